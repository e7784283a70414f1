using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using static MailFlowTools.Tests.Dns.HostileDnsReplies;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// A loopback peer that sends garbage, truncated, oversize and looping messages, wrong IDs and questions, answers
/// from the wrong address, TC without records and floods. Every case must end in a typed outcome within the
/// timeout + 10 %, with no exception and no socket left open.
/// </summary>
[Collection(HostileDnsPeerCollection.Name)]
public sealed class HostileDnsPeerTests
{
    // Long enough that 10 % (200 ms) absorbs scheduling jitter on a busy two-core machine; the cases run concurrently.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, (Func<DnsMessage, byte[], IReadOnlyList<FakeReply>> Reply, DnsExchangeStatus[] Expected)> HostileUdp = new()
    {
        ["garbage"] = ((q, b) => new[] { new FakeReply(Random(100, 1)) }, new[] { DnsExchangeStatus.Timeout }),
        ["garbage with the right id"] = ((q, b) => new[] { new FakeReply(WithHeader(q, Random(300, 2))) }, new[] { DnsExchangeStatus.Malformed }),
        ["shorter than a header"] = ((q, b) => new[] { new FakeReply(new byte[] { (byte)(q.Id >> 8), (byte)q.Id, 0x80 }) }, new[] { DnsExchangeStatus.Malformed }),
        ["truncated message"] = ((q, b) => new[] { new FakeReply(Answer(q).Take(Answer(q).Length / 2).ToArray()) }, new[] { DnsExchangeStatus.Malformed }),
        ["oversize message"] = ((q, b) => new[] { new FakeReply(Oversize(q, 65507)) }, new[] { DnsExchangeStatus.Response }),
        ["compression pointer loop"] = ((q, b) => new[] { new FakeReply(PointerLoop(q)) }, new[] { DnsExchangeStatus.Malformed }),
        ["wrong ids"] = ((q, b) => Enumerable.Range(1, 50).Select(i => new FakeReply(Answer(q, (ushort)(q.Id + i)))).ToArray(), new[] { DnsExchangeStatus.Timeout }),
        ["wrong question"] = ((q, b) => new[] { new FakeReply(Answer(q, question: new DnsQuestion("other.test", DnsRecordType.MX))) }, new[] { DnsExchangeStatus.Timeout }),
        ["query echoed back (QR clear)"] = ((q, b) => new[] { new FakeReply(b) }, new[] { DnsExchangeStatus.Timeout }),
        ["answer from another port"] = ((q, b) => new[] { new FakeReply(Answer(q)) { FromOtherSource = true } }, new[] { DnsExchangeStatus.Timeout }),
        ["spoof first then the real answer"] = ((q, b) => new[] { new FakeReply(Answer(q)) { FromOtherSource = true }, new FakeReply(Answer(q)) { DelayMs = 50 } }, new[] { DnsExchangeStatus.Response }),
        ["tc set with no records"] = ((q, b) => new[] { new FakeReply(TcEmpty(q)) }, new[] { DnsExchangeStatus.Response }),
        // The socket buffer may overflow and lose the real answer too: a timeout is then the right outcome.
        ["flood of wrong-id duplicates then the answer"] = ((q, b) => new[] { new FakeReply(Answer(q, (ushort)(q.Id ^ 0x5555))) { Copies = 2000 }, new FakeReply(Answer(q)) }, new[] { DnsExchangeStatus.Response, DnsExchangeStatus.Timeout }),
        ["flood of the right answer"] = ((q, b) => new[] { new FakeReply(Answer(q)) { Copies = 2000 } }, new[] { DnsExchangeStatus.Response }),
        ["flood of garbage until past the timeout"] = ((q, b) => Enumerable.Range(0, 120).Select(i => new FakeReply(Random(40, i)) { DelayMs = 20, Copies = 50 }).ToArray(), new[] { DnsExchangeStatus.Timeout, DnsExchangeStatus.Malformed }),
        ["answer after the timeout"] = ((q, b) => new[] { new FakeReply(Answer(q)) { DelayMs = 3000 } }, new[] { DnsExchangeStatus.Timeout }),
        ["extended rcode without opt"] = ((q, b) => new[] { new FakeReply(BadOptCount(q)) }, new[] { DnsExchangeStatus.Malformed }),
    };

    private static readonly Dictionary<string, (Func<DnsMessage, byte[], IReadOnlyList<FakeReply>> Reply, DnsExchangeStatus[] Expected)> HostileTcp = new()
    {
        ["garbage then close"] = ((q, b) => new[] { new FakeReply(Random(50, 3)) { Framed = false, CloseAfter = true } }, new[] { DnsExchangeStatus.NetworkError }),
        ["empty messages then close"] = ((q, b) => new[] { new FakeReply(Array.Empty<byte>()) { Copies = 100, CloseAfter = true } }, new[] { DnsExchangeStatus.NetworkError, DnsExchangeStatus.Malformed }),
        ["length promises more than is sent"] = ((q, b) => new[] { new FakeReply(new byte[] { 0xFF, 0xFF }.Concat(Answer(q)).ToArray()) { Framed = false } }, new[] { DnsExchangeStatus.Timeout }),
        ["closed inside a message"] = ((q, b) => new[] { new FakeReply(new byte[] { 0x01, 0x00 }.Concat(Answer(q)).ToArray()) { Framed = false, CloseAfter = true } }, new[] { DnsExchangeStatus.NetworkError }),
        ["compression pointer loop"] = ((q, b) => new[] { new FakeReply(PointerLoop(q)) }, new[] { DnsExchangeStatus.Malformed }),
        ["oversize message"] = ((q, b) => new[] { new FakeReply(Oversize(q, 65535)) }, new[] { DnsExchangeStatus.Response }),
        ["wrong id then the answer"] = ((q, b) => new[] { new FakeReply(Answer(q, (ushort)(q.Id + 1))), new FakeReply(Answer(q)) }, new[] { DnsExchangeStatus.Response }),
        ["wrong question only"] = ((q, b) => new[] { new FakeReply(Answer(q, question: new DnsQuestion("other.test", DnsRecordType.A))) }, new[] { DnsExchangeStatus.Timeout }),
        ["flood of wrong ids then the answer"] = ((q, b) => new[] { new FakeReply(Answer(q, (ushort)(q.Id ^ 0xAAAA))) { Copies = 5000 }, new FakeReply(Answer(q)) }, new[] { DnsExchangeStatus.Response }),
        ["answer dribbled past the timeout"] = ((q, b) => Dribble(Answer(q), 100), new[] { DnsExchangeStatus.Timeout }),
        ["close without answering"] = ((q, b) => new[] { new FakeReply(Array.Empty<byte>()) { Framed = false, CloseAfter = true } }, new[] { DnsExchangeStatus.NetworkError }),
    };

    [Fact]
    public Task Udp_peers_end_in_typed_outcomes_within_the_timeout() => RunCases(DnsTransport.Udp, HostileUdp);

    [Fact]
    public Task Tcp_peers_end_in_typed_outcomes_within_the_timeout() => RunCases(DnsTransport.Tcp, HostileTcp);

    /// <summary>
    /// On TCP the answer to our ID on our own connection is the server's, so a broken one ends the query at once
    /// (over UDP a forged datagram must not, so there the wait goes on).
    /// </summary>
    [Fact]
    public async Task A_broken_answer_over_tcp_ends_the_query_at_once_with_the_parse_error()
    {
        using var server = new FakeDnsServer();
        server.RawHandler = (bytes, t) => new[] { new FakeReply(PointerLoop(DnsMessageReader.Read(bytes))) };
        var stopwatch = Stopwatch.StartNew();
        var result = await Task.Run(() => DnsTcpExchange.ExchangeAsync(server.EndPoint, DnsQueryFactory.Create("hostile.test", DnsRecordType.MX), TimeSpan.FromSeconds(20), CancellationToken.None));
        stopwatch.Stop();

        Assert.Equal(DnsExchangeStatus.Malformed, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Error));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), "took " + stopwatch.ElapsedMilliseconds + " ms");
    }

    [Fact]
    public async Task Answer_from_another_address_is_ignored()
    {
        var before = OpenSockets();
        DnsExchangeResult result;
        using (var server = new FakeDnsServer(configure: s => s.AlternateSource = IPAddress.Parse("127.0.0.2")))
        {
            server.RawHandler = (bytes, transport) => new[] { new FakeReply(Answer(DnsMessageReader.Read(bytes))) { FromOtherSource = true } };
            result = await Task.Run(() => DnsUdpExchange.ExchangeAsync(server.EndPoint, DnsQueryFactory.Create("hostile.test", DnsRecordType.MX), TimeSpan.FromSeconds(0.5), CancellationToken.None));
        }

        Assert.Equal(DnsExchangeStatus.Timeout, result.Status);
        Assert.Equal(1, result.MismatchedCount);
        await AssertNoSocketLeftBehind(before);
    }

    [Fact]
    public async Task Truncated_reply_without_records_sends_the_resolver_to_tcp()
    {
        var zone = new FakeZone().Mx("hostile.test", 10, "mx.hostile.test");
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var q = DnsMessageReader.Read(bytes);
            return new[] { new FakeReply(transport == DnsTransport.Udp ? TcEmpty(q) : DnsMessageWriter.Write(zone.Answer(q))) };
        };

        var lookup = await Task.Run(() => new DnsResolver(DnsResolverOptions.ForServers(server.EndPoint)).LookupAsync("hostile.test", DnsRecordType.MX, CancellationToken.None));
        Assert.True(lookup.FellBackToTcp);
        Assert.Equal(DnsTransport.Tcp, lookup.Transport);
        Assert.Single(lookup.Records);
    }

    [Fact]
    public async Task Reachability_engine_survives_a_peer_that_only_sends_garbage()
    {
        var before = OpenSockets();
        EdnsReachabilityResult result;
        var stopwatch = Stopwatch.StartNew();
        using (var server = new FakeDnsServer())
        {
            var n = 0;
            server.RawHandler = (bytes, transport) =>
            {
                var q = DnsMessageReader.Read(bytes);
                return (Interlocked.Increment(ref n) % 3) switch
                {
                    0 => new[] { new FakeReply(PointerLoop(q)) },
                    1 => new[] { new FakeReply(WithHeader(q, Random(200, n))) },
                    _ => new[] { new FakeReply(Random(64, n)) { Framed = false, CloseAfter = true } },
                };
            };
            var options = new EdnsReachabilityOptions { Timeout = TimeSpan.FromSeconds(1), Compliance = true };
            result = await Task.Run(() => EdnsReachabilityTester.TestServerAsync(new EdnsServerTarget(server.EndPoint), "hostile.test", options, null, CancellationToken.None));
        }

        stopwatch.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1.1 + 0.3), $"{stopwatch.ElapsedMilliseconds} ms");
        Assert.All(result.Probes, p => Assert.Contains(p.Outcome, new[] { EdnsProbeOutcome.Malformed, EdnsProbeOutcome.Timeout, EdnsProbeOutcome.NetworkError }));
        Assert.Contains(result.Findings, f => f.Code == Core.Findings.FindingCodes.ServerUnreachable);
        await AssertNoSocketLeftBehind(before);
    }

    [Fact]
    public async Task Mx_resolution_against_a_hostile_peer_is_a_typed_failure()
    {
        using var server = new FakeDnsServer();
        server.RawHandler = (bytes, transport) => new[] { new FakeReply(PointerLoop(DnsMessageReader.Read(bytes))) };
        var options = new MxResolverOptions { Resolver = new DnsResolverOptions { Servers = new[] { server.EndPoint }, Timeout = TimeSpan.FromMilliseconds(300), Attempts = 1 } };
        var result = await Task.Run(() => MxResolver.ResolveAsync("hostile.test", options, CancellationToken.None));
        Assert.Equal(MxSource.LookupFailed, result.Source);
        Assert.Equal(DnsLookupError.Malformed, result.Error);
    }

    private static async Task RunCases(DnsTransport transport, Dictionary<string, (Func<DnsMessage, byte[], IReadOnlyList<FakeReply>> Reply, DnsExchangeStatus[] Expected)> cases)
    {
        var before = OpenSockets();
        var failures = await Task.WhenAll(cases.Select(c => Task.Run(() => RunCase(c.Key, transport, c.Value.Reply, c.Value.Expected))));
        var failed = failures.Where(f => f is not null).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        await AssertNoSocketLeftBehind(before);
    }

    /// <summary>Null when the case passed, else what went wrong.</summary>
    private static async Task<string?> RunCase(string name, DnsTransport transport, Func<DnsMessage, byte[], IReadOnlyList<FakeReply>> reply, DnsExchangeStatus[] expected)
    {
        DnsExchangeResult result;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var server = new FakeDnsServer();
            server.RawHandler = (bytes, t) => reply(DnsMessageReader.Read(bytes), bytes);
            var query = DnsQueryFactory.Create("hostile.test", DnsRecordType.MX);
            result = transport == DnsTransport.Udp
                ? await DnsUdpExchange.ExchangeAsync(server.EndPoint, query, Timeout, CancellationToken.None)
                : await DnsTcpExchange.ExchangeAsync(server.EndPoint, query, Timeout, CancellationToken.None);
            stopwatch.Stop();
        }
        catch (Exception ex)
        {
            return $"{name}: threw {ex}";
        }

        var detail = $"{result.Status} in {stopwatch.ElapsedMilliseconds} ms (engine {result.ElapsedMs:0} ms), ignored {result.MismatchedCount}+{result.MalformedCount}, {result.Error}";
        if (!expected.Contains(result.Status))
        {
            return $"{name}: expected {string.Join("/", expected)}, got {detail}";
        }

        if (stopwatch.Elapsed > Timeout * 1.1)
        {
            return $"{name}: too slow: {detail}";
        }

        return result.Status == DnsExchangeStatus.Response && result.Response is null ? $"{name}: response missing" : null;
    }

    private static LoopbackSocketCensus? OpenSockets() => LoopbackSocketCensus.Supported ? LoopbackSocketCensus.Take() : null;

    private static async Task AssertNoSocketLeftBehind(LoopbackSocketCensus? before)
    {
        // Everything else in the test has passed by now; only the socket count is platform-bound.
        Assert.SkipWhen(before is null, "Counting this process's open sockets needs /proc/self/fd (Linux).");

        // A socket closed by a finishing task can take a moment on a loaded machine; a leak stays open for good.
        var left = LoopbackSocketCensus.NewSince(before!);
        for (var i = 0; i < 200 && left.Count > 0; i++)
        {
            await Task.Delay(25);
            left = LoopbackSocketCensus.NewSince(before!);
        }

        Assert.True(left.Count == 0, $"{left.Count} socket(s) left open: {string.Join("; ", left)}");
    }
}
