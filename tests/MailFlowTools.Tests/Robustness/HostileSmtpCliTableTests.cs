using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Infrastructure;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// Each hostile SMTP case through the real CLI, as a child process: `mailflow Get-SmtpStageTiming` against a
/// loopback peer that misbehaves (never DATA: the session stops after RCPT). Asserts the failing stage and its typed
/// outcome, that stage's time within the timeout + 10 %, the process time within that plus a start-up allowance,
/// and a peak resident set within a cap above the healthy-peer run; writes the rows to the results table.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class HostileSmtpCliTableTests
{
    private const double TimeoutMs = 1000;

    private static readonly HostileSmtpCase[] Cases =
    {
        new("sends one byte per second", HostileSmtpPeers.OneBytePerSecond, SmtpStage.Banner, SmtpStageOutcome.Timeout),
        new("never ends a multiline reply", HostileSmtpPeers.NeverEndsAMultilineReply, SmtpStage.Ehlo, SmtpStageOutcome.Timeout),
        new("floods a multiline reply past the reply cap (10 MB)", HostileSmtpPeers.FloodsAMultilineReply, SmtpStage.Ehlo, SmtpStageOutcome.ProtocolError),
        new("sends a 10 MB line", HostileSmtpPeers.TenMegabyteLine, SmtpStage.Banner, SmtpStageOutcome.ProtocolError),
        new("invalid code: not SMTP at all", HostileSmtpPeers.SendsBanner("hello, this is not SMTP\r\n"), SmtpStage.Banner, SmtpStageOutcome.ProtocolError),
        new("invalid code: 999", HostileSmtpPeers.SendsBanner("999 out of range\r\n"), SmtpStage.Banner, SmtpStageOutcome.ProtocolError),
        new("invalid code: 2x0", HostileSmtpPeers.SendsBanner("2x0 nope\r\n"), SmtpStage.Banner, SmtpStageOutcome.ProtocolError),
        new("invalid code: codes change inside a multiline reply", HostileSmtpPeers.SendsBanner("220-first\r\n550 second\r\n"), SmtpStage.Banner, SmtpStageOutcome.ProtocolError),
        new("closes mid-reply", HostileSmtpPeers.ClosesMidReply, SmtpStage.Banner, SmtpStageOutcome.Closed),
        new("resets the connection (RST after MAIL FROM)", HostileSmtpPeers.ResetsTheConnection, SmtpStage.MailFrom, SmtpStageOutcome.Reset),
        new("garbage in place of the TLS handshake", HostileSmtpPeers.GarbageInsteadOfTlsHandshake, SmtpStage.StartTls, SmtpStageOutcome.TlsFailed),
        new("220 to STARTTLS, then plaintext", HostileSmtpPeers.PlaintextAfter220ToStartTls, SmtpStage.StartTls, SmtpStageOutcome.TlsFailed),
        new("banner, then silence", HostileSmtpPeers.BannerThenSilence, SmtpStage.Ehlo, SmtpStageOutcome.Timeout),
        new("silent after the TCP handshake", HostileSmtpPeers.SilentAfterHandshake, SmtpStage.Banner, SmtpStageOutcome.Timeout),
    };

    [Fact]
    public void Every_hostile_smtp_case_ends_typed_in_time_and_within_the_memory_cap()
    {
        Assert.SkipUnless(SpawnedProcess.IsSupported, SpawnedProcess.UnsupportedReason);

        // The healthy peer offers STARTTLS, so the baseline loads TLS like the TLS cases do.
        var healthy = new HostileSmtpCase("healthy peer with STARTTLS (baseline)", new StandardSmtpBehaviour { Certificate = TestCertificates.SelfSigned }.RunAsync, SmtpStage.RcptTo, SmtpStageOutcome.Ok);
        var failures = HostilePeerLimits.MeasureTable(
            healthy,
            Cases,
            Run,
            TimeoutMs,
            20,
            string.Join(
                "\n",
                "## Hostile SMTP peer, through the CLI",
                string.Empty,
                FormattableString.Invariant($"`mailflow Get-SmtpStageTiming 127.0.0.1 --port PORT --to postmaster@fake.test --stop-after Rcpt --timeout-seconds {TimeoutMs / 1000:0.#} --json` as a child process (never DATA). "),
                HostilePeerLimits.BoundsText(TimeoutMs, "the expected stage ends with the expected typed outcome, that stage's time")),
            new[] { "case", "stage", "typed outcome", "stage ms", "session ms", "process ms", "peak RSS MiB", "Δ healthy MiB", "bounds" });
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static CliCaseRun Run(HostileSmtpCase c)
    {
        SpawnedExit exit;
        string stdout, stderr;
        var server = new FakeSmtpServer(c.Peer);
        try
        {
            (exit, stdout, stderr) = MailflowChild.Run(
                TimeSpan.FromSeconds(30),
                new[] { "Get-SmtpStageTiming", "127.0.0.1", "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--to", "postmaster@fake.test", "--stop-after", "Rcpt", "--timeout-seconds", (TimeoutMs / 1000).ToString(CultureInfo.InvariantCulture), "--json" });
        }
        finally
        {
            server.DisposeAsync().AsTask().Wait();
        }

        var failures = new List<string>();
        var label = c.Name;
        var outcome = "none";
        var where = c.Stage.ToString();
        double? stageMs = null, sessionMs = null;
        if (exit.TimedOut || exit.ExitCode is not (0 or 1) || stderr.Contains("Unhandled", StringComparison.Ordinal))
        {
            failures.Add($"{label}: exit {exit.ExitCode} signal {exit.Signal} timed out {exit.TimedOut}: {stderr}");
        }
        else
        {
            try
            {
                using var doc = JsonDocument.Parse(stdout);
                var stages = doc.RootElement.EnumerateArray().ToList();
                var last = stages.Max(s => s.GetProperty("StartMs").GetDouble() + s.GetProperty("ElapsedMs").GetDouble());
                sessionMs = last;
                var failed = stages.LastOrDefault(s => s.GetProperty("Outcome").GetString() != nameof(SmtpStageOutcome.Ok));
                var decisive = c.Outcome == SmtpStageOutcome.Ok ? stages.Last(s => s.GetProperty("Stage").GetString() == c.Stage.ToString()) : failed;
                if (decisive.ValueKind == JsonValueKind.Undefined)
                {
                    failures.Add($"{label}: every stage was Ok");
                }
                else
                {
                    where = decisive.GetProperty("Stage").GetString()!;
                    outcome = decisive.GetProperty("Outcome").GetString()!;
                    stageMs = decisive.GetProperty("ElapsedMs").GetDouble();
                    if (where != c.Stage.ToString() || outcome != c.Outcome.ToString() || (c.Outcome == SmtpStageOutcome.Ok && failed.ValueKind != JsonValueKind.Undefined))
                    {
                        failures.Add($"{label}: {where} {outcome}, expected {c.Stage} {c.Outcome}");
                    }

                    var slowest = stages.Max(s => s.GetProperty("ElapsedMs").GetDouble());
                    if (slowest > TimeoutMs * 1.1)
                    {
                        failures.Add(FormattableString.Invariant($"{label}: a stage took {slowest:0} ms: over {TimeoutMs * 1.1:0} ms"));
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                failures.Add($"{label}: unreadable JSON ({ex.Message}): {stdout}");
            }
        }


        return new CliCaseRun(c.Name, where, outcome, stageMs, sessionMs, exit.ElapsedMs, exit.PeakRssKib, failures);
    }
}
