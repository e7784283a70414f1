using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Mime;
using Xunit;

namespace MailFlowTools.Tests.Smtp;

/// <summary>MailKit's SASL mechanisms inside our own AUTH stage, against a loopback server that checks the proofs.</summary>
public sealed class SaslMechanismTests
{
    private const string User = "probe";
    private const string Password = "Sasl-Secret-7f2";

    private static async Task<(SmtpStageResult Auth, RecordingReporter Reporter)> RunAsync(SaslSmtpBehaviour server, bool withMailKit = true)
    {
        await using var fake = new FakeSmtpServer(server.RunAsync);
        var reporter = new RecordingReporter();
        var options = new SmtpStageTimingOptions
        {
            ComputerName = "127.0.0.1",
            Port = fake.Port,
            StartTls = SmtpStartTlsMode.Off,
            AllowInsecureAuth = true,
            Credential = new SmtpCredential(User, Password),
            StopAfter = SmtpStopAfter.Mail,
            Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(5)),
            Sasl = withMailKit ? MailKitSasl.Factory : null,
        };
        var stages = await Task.Run(() => SmtpStageTimingEngine.RunAsync(options, reporter, null, CancellationToken.None));
        return (stages.Single(s => s.Stage == SmtpStage.Auth), reporter);
    }

    [Fact]
    public async Task SCRAM_SHA_256_proves_the_password_without_sending_it()
    {
        var server = new SaslSmtpBehaviour(User, Password, "LOGIN PLAIN SCRAM-SHA-256");
        var (auth, reporter) = await RunAsync(server);

        Assert.Equal(SmtpStageOutcome.Ok, auth.Outcome);
        Assert.Equal(235, auth.ReplyCode);
        Assert.True(server.Verified);
        Assert.StartsWith("SCRAM-SHA-256 n,,n=probe,r=", server.Seen.First(), StringComparison.Ordinal);
        Assert.All(server.Seen, s => Assert.DoesNotContain(Password, s, StringComparison.Ordinal));
        Assert.Contains(reporter.VerboseLines, l => l.Contains("AUTH SCRAM-SHA-256", StringComparison.Ordinal));
        Assert.DoesNotContain(reporter.Transcript, t => t.Text.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task XOAUTH2_sends_the_password_as_the_bearer_token_only_when_nothing_else_is_offered()
    {
        var server = new SaslSmtpBehaviour(User, Password, "XOAUTH2");
        var (auth, reporter) = await RunAsync(server);

        Assert.Equal(SmtpStageOutcome.Ok, auth.Outcome);
        Assert.True(server.Verified);
        Assert.Contains(reporter.Transcript, t => t.Text == "AUTH XOAUTH2 ****");
        Assert.DoesNotContain(reporter.Transcript, t => t.Text.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NTLM_opens_with_a_negotiate_message_and_a_refusal_is_the_server_answer()
    {
        var server = new SaslSmtpBehaviour(User, Password, "NTLM");
        var (auth, _) = await RunAsync(server);

        Assert.Equal("NTLM NTLMSSP type 1", server.Seen.Single());
        Assert.Equal(SmtpStageOutcome.Rejected, auth.Outcome);
        Assert.Equal(535, auth.ReplyCode);
        Assert.Contains(auth.Findings, f => f.Code == FindingCodes.SmtpSessionFailed);
    }

    [Fact]
    public async Task Without_the_MailKit_mechanisms_the_credential_is_withheld()
    {
        var server = new SaslSmtpBehaviour(User, Password, "SCRAM-SHA-256 NTLM");
        var (auth, _) = await RunAsync(server, withMailKit: false);

        Assert.Empty(server.Seen);
        Assert.Equal(SmtpStageOutcome.NotAttempted, auth.Outcome);
        var finding = Assert.Single(auth.Findings);
        Assert.Equal(FindingCodes.AuthNotOffered, finding.Code);
        Assert.Contains("offers AUTH SCRAM-SHA-256 NTLM only, and this tool speaks PLAIN, LOGIN", finding.Message, StringComparison.Ordinal);
    }
}
