using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// Ctrl+C for the CLI: every probing verb is started against a loopback peer that stalls (30 s timeouts), and
/// once the probe is waiting on the peer it gets SIGINT. It must exit 130 within 250 ms; the latency (signal sent
/// to process reaped, seen by a blocking wait4) goes into the results table.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class CliCancellationLatencyTests
{
    public const double LimitMs = 250;

    [Fact]
    public void Sigint_ends_every_verb_mid_probe_within_250_ms()
    {
        Assert.SkipUnless(SpawnedProcess.IsSupported, SpawnedProcess.UnsupportedReason);

        var scenarios = new (string Verb, string WaitsOn, Func<StallingPeers, string[]> Arguments)[]
        {
            ("Test-MxPath", "SMTP banner from a silent MX (127.0.0.1)", p => new[] { "Test-MxPath", StallingPeers.Domain, "--dns-server", p.Dns.EndPoint.ToString(), "--port", p.SmtpPort, "--connect-timeout-seconds", "30", "--banner-timeout-seconds", "30", "--address-family", "IPv4" }),
            ("Test-EdnsReachability", "DNS answers over UDP and TCP that never come", p => new[] { "Test-EdnsReachability", StallingPeers.Domain, "--server", p.SilentDns.EndPoint.ToString(), "--timeout-seconds", "30" }),
            ("Find-MtuBlackHole", "TCP method: banners from a silent listener", p => new[] { "Find-MtuBlackHole", "127.0.0.1", "--method", "Tcp", "--port", p.SmtpPort, "--timeout-seconds", "30" }),
            ("Find-MtuBlackHole", "Sweep method: banners from a silent listener", p => new[] { "Find-MtuBlackHole", "127.0.0.1", "--method", "Sweep", "--port", p.SmtpPort, "--timeout-seconds", "30" }),
            ("Get-SmtpStageTiming", "SMTP banner from a silent listener", p => new[] { "Get-SmtpStageTiming", "127.0.0.1", "--port", p.SmtpPort, "--timeout-seconds", "30" }),
            ("Debug-MailFlow", "the MX lookup, DNS server never answers", p => new[] { "Debug-MailFlow", StallingPeers.Domain, "--dns-server", p.SilentDns.EndPoint.ToString(), "--timeout-seconds", "30" }),
        };

        var rows = new List<string[]>();
        var failures = new List<string>();
        foreach (var (verb, waitsOn, arguments) in scenarios)
        {
            using var peers = new StallingPeers();
            using var child = MailflowChild.Start(arguments(peers));
            var started = Stopwatch.StartNew();
            var waiting = StallingPeers.WaitUntil(() => peers.SomethingWaiting || child.HasExited, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(300));
            var inProbeMs = started.Elapsed.TotalMilliseconds;
            if (!waiting || child.HasExited)
            {
                var early = child.WaitForExit(TimeSpan.FromSeconds(5));
                failures.Add($"{verb}: never reached the stalled peer (exit {early.ExitCode}): {child.ReadStandardError()}");
                rows.Add(new[] { verb, waitsOn, "-", "-", "-", "FAIL" });
                continue;
            }

            var signalled = child.Signal(NativeSpawn.SIGINT);
            var exit = child.WaitForExit(TimeSpan.FromSeconds(5));
            var latencyMs = Stopwatch.GetElapsedTime(signalled, exit.ExitTimestamp).TotalMilliseconds;
            var stderr = child.ReadStandardError();
            var ok = !exit.TimedOut && exit.ExitCode == 130 && latencyMs <= LimitMs && stderr.Contains("interrupted", StringComparison.Ordinal);
            if (!ok)
            {
                failures.Add(FormattableString.Invariant($"{verb} ({waitsOn}): exit {exit.ExitCode}, signal {exit.Signal}, killed {exit.TimedOut}, {latencyMs:0} ms after SIGINT: {stderr}"));
            }

            rows.Add(new[] { verb, waitsOn, MailflowChild.Ms(inProbeMs), FormattableString.Invariant($"{latencyMs:0.0}"), exit.TimedOut ? "killed" : exit.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture), ok ? "ok" : "FAIL" });
        }

        RobustnessReport.Write(30, string.Join(
            "\n",
            "## Cancellation: SIGINT to the CLI mid-probe",
            string.Empty,
            "Each verb runs as a child process against a loopback peer that stalls, with 30 s timeouts; SIGINT is sent once the probe is waiting on the peer (+300 ms). ",
            FormattableString.Invariant($"Latency = SIGINT sent → process reaped (blocking wait4). Bound: exit code 130 and ≤ {LimitMs:0} ms."),
            string.Empty,
            RobustnessReport.Table(new[] { "verb", "waits on", "ms since start at SIGINT", "SIGINT → exit ms", "exit code", "bound" }, rows)));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
