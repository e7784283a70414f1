using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Tests.Dns;
using MailFlowTools.Tests.Infrastructure;
using static MailFlowTools.Tests.Dns.HostileDnsReplies;

namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// Each hostile DNS case through the real CLI, as a child process: `mailflow Test-EdnsReachability` sends one UDP
/// and one TCP probe to a loopback peer that misbehaves on one of the two transports. Asserts a typed outcome, the
/// probe time within the timeout + 10 %, the process time within that plus a start-up allowance, and a peak
/// resident set (wait4 ru_maxrss) within a cap above the healthy-peer run; writes the rows to the results table.
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class HostileDnsCliTableTests
{
    private const double TimeoutMs = 1000;

    private static readonly HostileDnsCase[] Cases =
    {
        new("garbage (random bytes)", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Random(100, 1)) }, EdnsProbeOutcome.Timeout),
        new("garbage with the query's ID", DnsTransport.Udp, (q, b) => new[] { new FakeReply(WithHeader(q, Random(300, 2))) }, EdnsProbeOutcome.Malformed),
        new("truncated message (half an answer)", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Answer(q).Take(Answer(q).Length / 2).ToArray()) }, EdnsProbeOutcome.Malformed),
        new("oversize message (65,507 B datagram)", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Oversize(q, 65507)) }, EdnsProbeOutcome.Answer),
        new("compression-pointer loop", DnsTransport.Udp, (q, b) => new[] { new FakeReply(PointerLoop(q)) }, EdnsProbeOutcome.Malformed),
        new("wrong IDs (50 answers)", DnsTransport.Udp, (q, b) => Enumerable.Range(1, 50).Select(i => new FakeReply(Answer(q, (ushort)(q.Id + i)))).ToArray(), EdnsProbeOutcome.Timeout),
        new("wrong question", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Answer(q, question: new DnsQuestion("other.test", DnsRecordType.MX))) }, EdnsProbeOutcome.Timeout),
        new("answer from an unexpected source address (127.0.0.2)", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Answer(q)) { FromOtherSource = true } }, EdnsProbeOutcome.Timeout) { AlternateSource = IPAddress.Parse("127.0.0.2") },
        new("TC set and no records", DnsTransport.Udp, (q, b) => new[] { new FakeReply(TcEmpty(q)) }, EdnsProbeOutcome.Truncated),
        new("flood: 2,000 duplicates of the answer", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Answer(q)) { Copies = 2000 } }, EdnsProbeOutcome.Answer),
        // The socket buffer may overflow and lose the real answer too: a timeout is then the right outcome.
        new("flood: 2,000 wrong-ID duplicates, then the answer", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Answer(q, (ushort)(q.Id ^ 0x5555))) { Copies = 2000 }, new FakeReply(Answer(q)) }, EdnsProbeOutcome.Answer, EdnsProbeOutcome.Timeout),
        new("garbage, then close", DnsTransport.Tcp, (q, b) => new[] { new FakeReply(Random(50, 3)) { Framed = false, CloseAfter = true } }, EdnsProbeOutcome.NetworkError),
        new("truncated: closed inside a message", DnsTransport.Tcp, (q, b) => new[] { new FakeReply(new byte[] { 0x01, 0x00 }.Concat(Answer(q)).ToArray()) { Framed = false, CloseAfter = true } }, EdnsProbeOutcome.NetworkError),
        new("oversize message (65,535 B)", DnsTransport.Tcp, (q, b) => new[] { new FakeReply(Oversize(q, 65535)) }, EdnsProbeOutcome.Answer),
        new("compression-pointer loop", DnsTransport.Tcp, (q, b) => new[] { new FakeReply(PointerLoop(q)) }, EdnsProbeOutcome.Malformed),
        new("length prefix promises more than is sent", DnsTransport.Tcp, (q, b) => new[] { new FakeReply(new byte[] { 0xFF, 0xFF }.Concat(Answer(q)).ToArray()) { Framed = false } }, EdnsProbeOutcome.Timeout),
        new("flood: 5,000 wrong-ID answers, then the answer", DnsTransport.Tcp, (q, b) => new[] { new FakeReply(Answer(q, (ushort)(q.Id ^ 0xAAAA))) { Copies = 5000 }, new FakeReply(Answer(q)) }, EdnsProbeOutcome.Answer),
    };

    [Fact]
    public void Every_hostile_dns_case_ends_typed_in_time_and_within_the_memory_cap()
    {
        Assert.SkipUnless(SpawnedProcess.IsSupported, SpawnedProcess.UnsupportedReason);

        var healthy = new HostileDnsCase("healthy peer (baseline)", DnsTransport.Udp, (q, b) => new[] { new FakeReply(Answer(q)) }, EdnsProbeOutcome.Answer);
        var failures = HostilePeerLimits.MeasureTable(
            healthy,
            Cases,
            Run,
            TimeoutMs,
            10,
            string.Join(
                "\n",
                "## Hostile DNS peer, through the CLI",
                string.Empty,
                FormattableString.Invariant($"`mailflow Test-EdnsReachability hostile.test --server 127.0.0.1:PORT --buffer-size 1232 --timeout-seconds {TimeoutMs / 1000:0.#} --json` as a child process: one UDP and one TCP probe in parallel; the peer misbehaves on the transport named, the other transport answers normally. "),
                HostilePeerLimits.BoundsText(TimeoutMs, "typed probe outcome, each probe's time")),
            new[] { "case", "probe", "typed outcome", "probe ms", "run ms (incl. JIT)", "process ms", "peak RSS MiB", "Δ healthy MiB", "bounds" });
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static CliCaseRun Run(HostileDnsCase c)
    {
        using var server = new FakeDnsServer(configure: s => s.AlternateSource = c.AlternateSource);
        server.RawHandler = (bytes, transport) =>
        {
            var q = DnsMessageReader.Read(bytes);
            return transport == c.Transport ? c.Reply(q, bytes) : new[] { new FakeReply(Answer(q)) };
        };

        var (exit, stdout, stderr) = MailflowChild.Run(
            TimeSpan.FromSeconds(30),
            new[] { "Test-EdnsReachability", "hostile.test", "--server", server.EndPoint.ToString(), "--buffer-size", "1232", "--timeout-seconds", (TimeoutMs / 1000).ToString(CultureInfo.InvariantCulture), "--json" });

        var failures = new List<string>();
        var label = $"{c.Transport} {c.Name}";
        string outcome = "none";
        double? probeMs = null, runMs = null;
        if (exit.TimedOut || exit.ExitCode is not (0 or 1) || stderr.Contains("Unhandled", StringComparison.Ordinal))
        {
            failures.Add($"{label}: exit {exit.ExitCode} signal {exit.Signal} timed out {exit.TimedOut}: {stderr}");
        }
        else
        {
            try
            {
                using var doc = JsonDocument.Parse(stdout);
                var result = doc.RootElement[0];
                runMs = result.GetProperty("ElapsedMs").GetDouble();
                var probes = result.GetProperty("Probes").EnumerateArray().ToList();
                var hostile = probes.Single(p => string.Equals(p.GetProperty("Transport").GetString(), c.Transport.ToString(), StringComparison.OrdinalIgnoreCase));
                outcome = hostile.GetProperty("Outcome").GetString()!;
                probeMs = hostile.GetProperty("ElapsedMs").GetDouble();
                var ignored = hostile.GetProperty("IgnoredReplies").GetInt32();
                if (ignored > 0)
                {
                    outcome += FormattableString.Invariant($" ({ignored} ignored)");
                }

                if (!c.Expected.Any(e => hostile.GetProperty("Outcome").GetString() == e.ToString()))
                {
                    failures.Add($"{label}: outcome {outcome}, expected {string.Join("/", c.Expected)}");
                }

                var slowest = probes.Max(p => p.GetProperty("ElapsedMs").GetDouble());
                if (slowest > TimeoutMs * 1.1)
                {
                    failures.Add(FormattableString.Invariant($"{label}: a probe took {slowest:0} ms: over {TimeoutMs * 1.1:0} ms"));
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                failures.Add($"{label}: unreadable JSON ({ex.Message}): {stdout}");
            }
        }


        return new CliCaseRun(c.Name, c.Transport.ToString().ToUpperInvariant(), outcome, probeMs, runMs, exit.ElapsedMs, exit.PeakRssKib, failures);
    }
}
