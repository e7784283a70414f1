using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using MailFlowTools.Cli.Output;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// AUTH credentials never leave the engine: not in the transcript, verbose lines or warnings, not in results or
/// their JSON, not in findings, not in exceptions, whatever the server does (accept, reject, reset, go silent,
/// send garbage, echo the secret back in every reply), and they are never sent where they could be read.
/// </summary>
public sealed class CredentialSecrecyTests
{
    internal const string UserName = "probe-user";

    // Non-ASCII (base64 of UTF-8), JSON-escaped characters (" \ < & >) and base64's + and /.
    internal const string Password = "Pä55\"W0rd+/<&>\\!q";

    internal static readonly SecretForms Forms = new(UserName, Password);

    internal sealed record Case(
        string Name,
        Func<AuthSmtpBehaviour> Server,
        SmtpStageOutcome Outcome,
        string? FindingCode,
        bool AuthOnWire,
        bool AllowInsecureAuth = true,
        SmtpStartTlsMode StartTls = SmtpStartTlsMode.Auto,
        double TimeoutSeconds = 3);

    private static AuthSmtpBehaviour Tls(string after = "PLAIN LOGIN", AuthReaction reaction = AuthReaction.Accept, bool echo = false, string before = "", int loginStep = 2) =>
        new(UserName, Password) { Certificate = TestCertificates.SelfSigned, AuthAfterTls = after, AuthBeforeTls = before, Reaction = reaction, Echo = echo, LoginStep = loginStep };

    private static AuthSmtpBehaviour Plaintext(string mechanisms, bool echo = true) =>
        new(UserName, Password) { AuthBeforeTls = mechanisms, Echo = echo };

    internal static readonly Case[] Cases =
    {
        new("PlainAccepted", () => Tls(), SmtpStageOutcome.Ok, null, true),
        new("LoginAccepted", () => Tls("LOGIN"), SmtpStageOutcome.Ok, null, true),
        new("PlainRejected535EchoingTheSecret", () => Tls(reaction: AuthReaction.Reject, echo: true), SmtpStageOutcome.Rejected, FindingCodes.SmtpSessionFailed, true),
        new("LoginRejected535EchoingTheSecret", () => Tls("LOGIN", AuthReaction.Reject, echo: true), SmtpStageOutcome.Rejected, FindingCodes.SmtpSessionFailed, true),
        new("AcceptedWithTheSecretEchoedInBannerAndMultilineEhlo", () => Tls(reaction: AuthReaction.Accept, echo: true), SmtpStageOutcome.Ok, null, true),
        new("ResetAfterAuthPlain", () => Tls(reaction: AuthReaction.Reset, echo: true), SmtpStageOutcome.Reset, FindingCodes.SmtpSessionFailed, true),
        new("ResetAfterLoginPassword", () => Tls("LOGIN", AuthReaction.Reset, echo: true), SmtpStageOutcome.Reset, FindingCodes.SmtpSessionFailed, true),
        new("SilentAfterAuthPlain", () => Tls(reaction: AuthReaction.Silent, echo: true), SmtpStageOutcome.Timeout, FindingCodes.SmtpSessionFailed, true, TimeoutSeconds: 1.5),
        new("GarbageReplyQuotingTheSecret", () => Tls(reaction: AuthReaction.Garbage, echo: true), SmtpStageOutcome.ProtocolError, FindingCodes.SmtpSessionFailed, true),
        new("AuthOfferedWithoutStartTls", () => Plaintext("PLAIN LOGIN"), SmtpStageOutcome.NotAttempted, FindingCodes.AuthWithoutTls, false, AllowInsecureAuth: false),
        new("AuthOfferedOnlyBeforeStartTls", () => Tls(after: string.Empty, before: "PLAIN LOGIN", echo: true), SmtpStageOutcome.NotAttempted, FindingCodes.AuthNotOffered, false),
        new("StartTlsOffWhileTheServerOffersIt", () => Tls(before: "PLAIN", echo: true), SmtpStageOutcome.NotAttempted, FindingCodes.AuthWithoutTls, false, AllowInsecureAuth: false, StartTls: SmtpStartTlsMode.Off),
        new("CertificateThatDoesNotValidate", () => Tls(echo: true), SmtpStageOutcome.NotAttempted, FindingCodes.AuthCertificateUntrusted, false, AllowInsecureAuth: false),
        new("OnlyMechanismsThisToolDoesNotSpeak", () => Tls("CRAM-MD5"), SmtpStageOutcome.NotAttempted, FindingCodes.AuthNotOffered, false),
        new("PlaintextExplicitlyAllowed", () => Plaintext("PLAIN"), SmtpStageOutcome.Ok, null, true),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task The_credential_appears_nowhere(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        var behaviour = c.Server();
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        var reporter = new RecordingReporter();
        var credential = new SmtpCredential(UserName, Password);
        var options = new SmtpStageTimingOptions
        {
            ComputerName = "127.0.0.1",
            Port = server.Port,
            To = new[] { "postmaster@hostile.test" },
            Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(c.TimeoutSeconds)),
            LocalBlockCheckPorts = Array.Empty<int>(),
            HeloName = "client.test",
            StopAfter = SmtpStopAfter.Mail,
            StartTls = c.StartTls,
            Credential = credential,
            AllowInsecureAuth = c.AllowInsecureAuth,
        };

        IReadOnlyList<SmtpStageResult> results;
        try
        {
            results = await SmtpStageTimingEngine.RunAsync(options, reporter, null, default);
        }
        catch (Exception ex)
        {
            Forms.AssertAbsent(ex.ToString(), "an exception that escaped the engine");
            throw;
        }

        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var auth = results.Single(r => r.Stage == SmtpStage.Auth);
        Assert.True(c.Outcome == auth.Outcome, $"Auth outcome {auth.Outcome}, expected {c.Outcome}: {auth.ReplyText}");
        if (c.FindingCode is not null)
        {
            Assert.Contains(auth.Findings, f => f.Code == c.FindingCode);
        }

        // The credential went on the wire exactly when it should: proves the checks below are not vacuous.
        var authCommands = session.Commands.Where(l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(c.AuthOnWire, authCommands.Count > 0);
        if (authCommands.Any(l => l.StartsWith("AUTH PLAIN", StringComparison.Ordinal)))
        {
            Assert.Contains("AUTH PLAIN " + AuthSmtpBehaviour.Base64("\0" + UserName + "\0" + Password), session.Commands);
        }

        if (behaviour.Echo)
        {
            // The hostile echo arrived and was masked, not dropped.
            Assert.Contains(reporter.Transcript, t => t.Direction == TranscriptDirection.Received && t.Text.Contains("echo " + SecretRedactor.Mask, StringComparison.Ordinal));
        }

        AssertNothingLeaks(reporter, results, credential);
    }

    [Fact]
    public async Task Without_tls_the_refusal_is_a_finding_and_a_warning_and_nothing_is_sent()
    {
        var behaviour = Plaintext("PLAIN LOGIN", echo: false);
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        var reporter = new RecordingReporter();
        var results = await SmtpStageTimingEngine.RunAsync(
            new SmtpStageTimingOptions { ComputerName = "127.0.0.1", Port = server.Port, Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(3)), LocalBlockCheckPorts = Array.Empty<int>(), HeloName = "client.test", Credential = new SmtpCredential(UserName, Password) },
            reporter,
            null,
            default);

        var auth = results.Single(r => r.Stage == SmtpStage.Auth);
        var finding = Assert.Single(auth.Findings);
        Assert.Equal(FindingCodes.AuthWithoutTls, finding.Code);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Contains("not encrypted", finding.Message, StringComparison.Ordinal);
        Assert.Contains("-AllowInsecureAuth", finding.Recommendation, StringComparison.Ordinal);
        Assert.Contains(reporter.Warnings, w => w.Contains("not sent", StringComparison.Ordinal));

        // The session ends politely after the refusal: no MAIL, no DATA.
        Assert.Equal(SmtpStage.Quit, results[^1].Stage);
        Assert.DoesNotContain(results, r => r.Stage is SmtpStage.MailFrom or SmtpStage.Data);
    }

    [Fact]
    public async Task No_exception_leaves_the_engine_with_the_secret_in_it()
    {
        // Whatever throws inside a session (here the caller's own stage callback), what escapes is masked.
        await using var server = new FakeSmtpServer(Tls().RunAsync);
        var options = new SmtpStageTimingOptions
        {
            ComputerName = "127.0.0.1",
            Port = server.Port,
            Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(3)),
            LocalBlockCheckPorts = Array.Empty<int>(),
            HeloName = "client.test",
            StopAfter = SmtpStopAfter.Mail,
            Credential = new SmtpCredential(UserName, Password),
            AllowInsecureAuth = true,
        };
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => SmtpStageTimingEngine.RunAsync(
            options,
            new RecordingReporter(),
            r => throw new InvalidOperationException($"host bug at {r.Stage}: {Password} / {AuthSmtpBehaviour.Base64(Password)}"),
            default));
        Assert.Equal(ErrorIds.ProbeFailed, ex.ErrorId);
        Assert.Contains("host bug at Connect", ex.Message, StringComparison.Ordinal);
        Forms.AssertAbsent(ex.ToString(), "the escaping exception");
    }

    [Fact]
    public void Redactor_masks_every_wire_form_whatever_the_case()
    {
        var credential = new SmtpCredential(UserName, Password);
        var text = string.Join(" | ", new[]
        {
            Password,
            Password.ToUpperInvariant(),
            AuthSmtpBehaviour.Base64(Password),
            AuthSmtpBehaviour.Base64(Password).TrimEnd('='),
            AuthSmtpBehaviour.Base64("\0" + UserName + "\0" + Password),
        });
        var masked = credential.Redactor.Scrub(text)!;
        Forms.AssertAbsent(masked, "masked text");
        Assert.Equal(5, masked.Split(" | ").Count(part => part == SecretRedactor.Mask));
        Assert.Equal(UserName + " (password redacted)", credential.ToString());
        Forms.AssertAbsent(credential.Redactor.ToString(), "the redactor's ToString");
        Assert.Null(SecretRedactor.None.Scrub(null));
        Assert.Equal("no secret", credential.Redactor.Scrub("no secret"));

        // The reporter wrapper masks every channel, for hosts that learn the secret after handing it out.
        var inner = new RecordingReporter();
        var wrapped = new RedactingReporter(inner, () => credential.Redactor);
        wrapped.Transcript(new TranscriptEntry(DateTimeOffset.Now, "s", TranscriptDirection.Received, "250 " + Password));
        wrapped.Warning("w " + AuthSmtpBehaviour.Base64(Password));
        wrapped.Verbose("v " + Password.ToUpperInvariant());
        wrapped.Progress(new EngineProgress(1, "a " + Password, "s"));
        Forms.AssertAbsent(inner.AllText(), "a wrapped reporter");
        Assert.Equal(3, inner.AllText().Split(SecretRedactor.Mask).Length - 1);
    }

    [Fact]
    public void Error_records_and_cli_lines_never_carry_the_secret()
    {
        var credential = new SmtpCredential(UserName, Password);
        var inner = new InvalidOperationException("inner " + AuthSmtpBehaviour.Base64(Password));
        var cases = new[]
        {
            new MailFlowException(ErrorIds.ProbeFailed, MailFlowErrorCategory.ConnectionError, "server said " + Password, Password, innerException: inner),
            new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, "'x' could not be resolved", credential),
            new MailFlowException(ErrorIds.InvalidAddress, MailFlowErrorCategory.InvalidArgument, "bad", new System.Text.StringBuilder("target " + AuthSmtpBehaviour.Base64(Password)), isInvalidInvocation: true),
        };

        foreach (var ex in cases)
        {
            // What AsyncCmdlet hands to new ErrorRecord(exception, errorId, category, targetObject).
            var safe = ErrorReport.ForDisplay(ex, credential.Redactor);
            Assert.Equal(ex.ErrorId, safe.ErrorId);
            Assert.Equal(ex.Category, safe.Category);
            Assert.Equal(ex.IsInvalidInvocation, safe.IsInvalidInvocation);
            Forms.AssertAbsent(safe.Message, "the ErrorRecord exception message");
            Forms.AssertAbsent(safe.ToString(), "the ErrorRecord exception");
            Assert.True(safe.Target is null or string or ValueType, "target " + safe.Target?.GetType());
            Forms.AssertAbsent(Convert.ToString(safe.Target, System.Globalization.CultureInfo.InvariantCulture), "the ErrorRecord target object");
            Forms.AssertAbsent(ErrorReport.FormatLine(ex, credential.Redactor), "the CLI error line");
        }

        // A clean error stays the very same object (stack trace and inner exception kept).
        var clean = new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, "no such host", "mx.example");
        Assert.Same(clean, ErrorReport.ForDisplay(clean, credential.Redactor));
    }

    [Fact]
    public void The_cmdlets_build_error_records_only_through_the_shared_helper()
    {
        var sources = System.IO.Directory.GetFiles(Infrastructure.TestPaths.InRepo("src", "MailFlowTools"), "*.cs", System.IO.SearchOption.AllDirectories)
            .Where(p => !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/bin/", StringComparison.Ordinal))
            .ToDictionary(p => p, System.IO.File.ReadAllText);
        var constructions = sources.Sum(kv => CountOf(kv.Value, "new ErrorRecord("));
        Assert.Equal(1, constructions);
        var asyncCmdlet = sources.Single(kv => kv.Key.EndsWith("AsyncCmdlet.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("var safe = ErrorReport.ForDisplay(ex, Secrets);", asyncCmdlet, StringComparison.Ordinal);
        Assert.Contains("new ErrorRecord(safe, safe.ErrorId, MapCategory(safe.Category), safe.Target)", asyncCmdlet, StringComparison.Ordinal);
        Assert.Contains("Secrets = credential.Redactor;", sources.Single(kv => kv.Key.EndsWith("GetSmtpStageTimingCommand.cs", StringComparison.Ordinal)).Value, StringComparison.Ordinal);

        // Every WriteError/ThrowTerminatingError in the cmdlets goes through ToErrorRecord.
        foreach (var (path, text) in sources)
        {
            foreach (var call in new[] { "WriteError(", "ThrowTerminatingError(" })
            {
                Assert.Equal(CountOf(text, call), CountOf(text, call + "ToErrorRecord("));
            }
        }
    }

    internal static void AssertNothingLeaks(RecordingReporter reporter, IReadOnlyList<SmtpStageResult> results, SmtpCredential credential)
    {
        foreach (var entry in reporter.Transcript)
        {
            Forms.AssertAbsent(entry.ToString(), "the transcript");
        }

        foreach (var line in reporter.Warnings)
        {
            Forms.AssertAbsent(line, "a warning");
        }

        foreach (var line in reporter.VerboseLines)
        {
            Forms.AssertAbsent(line, "a verbose line");
        }

        Forms.AssertAbsent(JsonSerializer.Serialize(results), "the results as JSON");
        var cliJson = new StringWriter();
        JsonOutput.Write(cliJson, results.Cast<object>().ToList());
        Forms.AssertAbsent(cliJson.ToString(), "the results as the CLI's JSON");
        foreach (var r in results)
        {
            Forms.AssertAbsent(r.ToString(), "a result's ToString");
            Forms.AssertAbsent(r.ReplyText, "a result's ReplyText");
            Forms.AssertAbsent(string.Join(" ", r.Capabilities), "a result's Capabilities");
            foreach (var f in r.Findings)
            {
                Forms.AssertAbsent(f.ToString() + f.Recommendation, "a finding");
            }
        }

        Forms.AssertAbsent(credential.ToString(), "the credential's ToString");
        Forms.AssertAbsent(JsonSerializer.Serialize(credential), "the credential as JSON");
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
