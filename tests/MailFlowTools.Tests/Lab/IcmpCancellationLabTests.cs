using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Tests.Robustness;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Find-MtuBlackHole's ICMP rounds, stopped mid-round: loopback always answers ICMP, so these run in the lab's
/// client namespace against .33, which never answers (30 s round wait). Both ICMP transports must end within
/// 250 ms of the stop: the raw socket (Linux) and the OS ping API (Windows' path; on Linux it runs the same
/// System.Net.NetworkInformation.Ping code with its raw socket). A first round to mx1 (.25) must pass, which
/// proves the sockets are in the lab and nothing is sent out of this machine.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class IcmpCancellationLabTests
{
    private static readonly IPAddress Dead = IPAddress.Parse(LabAddresses.DeadV4);
    private static readonly IPAddress Answering = IPAddress.Parse(LabAddresses.Mx1V4);

    private readonly LabFixture lab;

    public IcmpCancellationLabTests(LabFixture lab) => this.lab = lab;

    [LabFact]
    public void Icmp_rounds_to_a_host_that_never_answers_end_within_250_ms_of_a_stop()
    {
        lab.RequireUp();
        var transports = new (string Name, Func<IPAddress, IIcmpEchoTransport> Open)[]
        {
            ("raw ICMP socket (Linux)", target => RawIcmpTransport.Open(target, 8)),
            ("Ping API (the Windows path)", target => new PingApiTransport(target)),
        };

        var rows = new List<string[]>();
        var failures = new List<string>();
        foreach (var (name, open) in transports)
        {
            // Proof of the namespace: the lab's mx1 answers (it is not reachable from this machine's own namespace).
            var check = NetworkNamespaceThread.Run(LabFixture.ClientNamespace, () =>
            {
                using var transport = open(Answering);
                return transport.RunRoundAsync(new[] { new ProbeRequest(100, 1, 1) }, new RoundWaitPolicy(TimeSpan.FromSeconds(2), 4, TimeSpan.FromMilliseconds(50)), CancellationToken.None).GetAwaiter().GetResult();
            });
            Assert.True(check.Single().Outcome == MtuProbeOutcome.Passed, $"{name}: mx1 did not answer: {check.Single().Outcome} {check.Single().Detail}");

            using var stop = new CancellationTokenSource();
            IIcmpEchoTransport? open2 = null;
            var watch = Stopwatch.StartNew();
            var round = NetworkNamespaceThread.Run(LabFixture.ClientNamespace, () =>
            {
                open2 = open(Dead);
                var requests = new[] { 576, 1000, 1400, 1500 }.Select(size => new ProbeRequest(size, 1, 1)).ToArray();
                return open2.RunRoundAsync(requests, new RoundWaitPolicy(TimeSpan.FromSeconds(30), 4, TimeSpan.FromSeconds(30)), stop.Token);
            });
            Thread.Sleep(500);
            var waiting = !round.IsCompleted;
            var inRoundMs = watch.Elapsed.TotalMilliseconds;
            var stoppedAt = Stopwatch.GetTimestamp();
            stop.Cancel();
            string ended;
            try
            {
                round.Wait(TimeSpan.FromSeconds(35));
                ended = round.IsCompleted ? "returned: " + string.Join(",", round.Result.Select(a => a.Outcome)) : "still running";
            }
            catch (AggregateException ex) when (ex.InnerException is OperationCanceledException)
            {
                ended = nameof(OperationCanceledException);
            }

            var latencyMs = Stopwatch.GetElapsedTime(stoppedAt).TotalMilliseconds;
            open2?.Dispose();
            var ok = waiting && ended == nameof(OperationCanceledException) && latencyMs <= CliCancellationLatencyTests.LimitMs;
            if (!ok)
            {
                failures.Add(FormattableString.Invariant($"{name}: waiting {waiting}, ended {ended} {latencyMs:0} ms after the stop"));
            }

            rows.Add(new[] { name, "198.51.100.33 (never answers), 4 probes, 30 s round wait", MailflowChild.Ms(inRoundMs), FormattableString.Invariant($"{latencyMs:0.0}"), ended, ok ? "ok" : "FAIL" });
        }

        RobustnessReport.Write(45, string.Join(
            "\n",
            "## Cancellation: Find-MtuBlackHole ICMP rounds mid-wait, in the lab",
            string.Empty,
            "Loopback always answers ICMP, so the ICMP transports are stopped in the lab's client namespace (sockets opened on a thread that joined mfl-client), against a host that never answers. ",
            FormattableString.Invariant($"Bound: the round ends with OperationCanceledException ≤ {CliCancellationLatencyTests.LimitMs:0} ms after the token is cancelled."),
            string.Empty,
            RobustnessReport.Table(new[] { "ICMP transport", "target", "ms in the round at stop", "stop → round ended ms", "ended with", "bound" }, rows)));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
