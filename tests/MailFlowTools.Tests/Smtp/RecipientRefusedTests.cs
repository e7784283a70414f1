using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// A 5xx to RCPT is the server's recipient policy, not a path fault (issue #19: OpenSMTPD refuses a bare
/// "postmaster" with "550 Invalid recipient"): RecipientRefused, Info for the tool's own probe address, Warning for
/// a recipient the caller named, and never Debug-MailFlow's cause.
/// </summary>
public sealed class RecipientRefusedTests
{
    private static StandardSmtpBehaviour Refusing(bool pipelining) => new()
    {
        Banner = "220 vm ESMTP OpenSMTPD",
        Extensions = pipelining ? new[] { "PIPELINING", "8BITMIME" } : new[] { "8BITMIME", "ENHANCEDSTATUSCODES", "SIZE 36700160" },
        Replies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["RCPT"] = "550 Invalid recipient",
            ["DATA"] = "554 5.5.1 Error: no valid recipients",
        },
    };

    private static SmtpStageTimingOptions Options(FakeSmtpServer server, params string[] to) => new()
    {
        ComputerName = "127.0.0.1",
        Port = server.Port,
        To = to,
        Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(5)),
        LocalBlockCheckPorts = Array.Empty<int>(),
        HeloName = "client.test",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_default_postmaster_refused_is_the_servers_policy_not_a_failure(bool pipelining)
    {
        await using var server = new FakeSmtpServer(Refusing(pipelining).RunAsync);
        var results = await SmtpStageTimingEngine.RunAsync(Options(server), new RecordingReporter(), null, default);
        var findings = results.SelectMany(r => r.Findings).ToList();

        Assert.DoesNotContain(findings, f => f.IsProblem);
        Assert.DoesNotContain(findings, f => f.Code == FindingCodes.SmtpSessionFailed);
        var refused = Assert.Single(findings, f => f.Code == FindingCodes.RecipientRefused);
        Assert.Equal(FindingSeverity.Info, refused.Severity);
        Assert.Equal("postmaster", refused.Evidence["Recipient"]);
        Assert.StartsWith("550", (string)refused.Evidence["Reply"], StringComparison.Ordinal);
        Assert.Equal(SmtpStageOutcome.Rejected, results.Single(r => r.Stage == SmtpStage.RcptTo).Outcome);
        Assert.DoesNotContain(results, r => r.Stage == SmtpStage.Body);
    }

    [Fact]
    public async Task A_recipient_the_caller_named_refused_is_a_warning()
    {
        await using var server = new FakeSmtpServer(Refusing(pipelining: false).RunAsync);
        var results = await SmtpStageTimingEngine.RunAsync(Options(server, "bob@example.test"), new RecordingReporter(), null, default);
        var refused = Assert.Single(results.SelectMany(r => r.Findings), f => f.IsProblem);

        Assert.Equal(FindingCodes.RecipientRefused, refused.Code);
        Assert.Equal(FindingSeverity.Warning, refused.Severity);
    }

    [Fact]
    public void Debug_MailFlow_names_no_cause_for_the_probe_recipient_refused()
    {
        var reply = new SmtpReply(550, new[] { "Invalid recipient" }, null, 23);
        var findings = new[]
        {
            new StagedFinding(DiagnosisStage.SmtpStages, "mx-smtpd.mta.test 198.51.100.37", RecipientRefusal.Finding("postmaster@mta.test", reply, chosenByTool: true)),
        };

        var verdict = CauseAnalyzer.Analyze(findings);

        Assert.Equal(FindingCodes.None, verdict.Cause);
        Assert.Equal(FaultLocation.None, verdict.Location);
    }

    [Fact]
    public void A_named_recipient_refused_sits_at_the_remote_host()
    {
        var reply = new SmtpReply(550, new[] { "Invalid recipient" }, null, 23);
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            new StagedFinding(DiagnosisStage.SmtpStages, "mx", RecipientRefusal.Finding("bob@mta.test", reply, chosenByTool: false)),
        });

        Assert.Equal(FindingCodes.RecipientRefused, verdict.Cause);
        Assert.Equal(FaultLocation.RemoteHost, verdict.Location);
    }
}
