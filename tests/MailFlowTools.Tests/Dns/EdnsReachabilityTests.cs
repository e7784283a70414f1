using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Dns;

[Collection(DnsSocketCollection.Name)]
public sealed class EdnsReachabilityTests
{
    private const string Big = "big.test";

    /// <summary>About 2.3 kB of MX answer: bigger than a 1500-byte packet, like the incident's signed MX set.</summary>
    private static FakeZone BigZone()
    {
        var zone = new FakeZone().Soa("test");
        for (var i = 0; i < 60; i++)
        {
            zone.Mx(Big, (ushort)(10 + i), $"mail-exchanger-{i:00}.big.test");
        }

        return zone;
    }

    // Probes that must arrive get a generous timeout (they return at once); tests that need lost probes pay
    // LossTimeout per phase. Both leave room for a machine busy with other test collections.
    private const double LossTimeout = 1;

    private static EdnsReachabilityOptions Options(double timeoutSeconds = 3, bool compliance = false, bool bisect = true) => new()
    {
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        Compliance = compliance,
        Bisect = bisect,
    };

    // Task.Run keeps the engine's continuations off xunit's two-thread synchronization context, so timing-sensitive
    // probes are not queued behind CPU-bound tests running in parallel.
    private static Task<EdnsReachabilityResult> Test(FakeDnsServer server, EdnsReachabilityOptions options, string name = Big) =>
        Task.Run(() => EdnsReachabilityTester.TestServerAsync(new EdnsServerTarget(server.EndPoint), name, options, null, CancellationToken.None));

    private static IEnumerable<string> Problems(EdnsReachabilityResult result) => result.Findings.Where(f => f.IsProblem).Select(f => f.Code);

    [Fact]
    public async Task Healthy_server_answers_every_probe_without_problems()
    {
        using var server = new FakeDnsServer(BigZone().Also(z => z.Nsid = "fake-ns1"));
        var result = await Test(server, Options());

        Assert.Empty(Problems(result));
        Assert.Equal(7, result.Probes.Length);
        Assert.All(result.Probes, p => Assert.NotEqual(EdnsProbeOutcome.Timeout, p.Outcome));
        Assert.Equal(new[] { 0, 512, 1232, 1410, 1472, 4096 }, result.Probes.Where(p => p.Transport == DnsTransport.Udp).Select(p => p.BufferSize));
        Assert.All(result.Probes.Where(p => p.Edns), p => Assert.True(p.DnssecOk));
        Assert.Equal(EdnsProbeOutcome.Answer, result.Probes.Single(p => p.BufferSize == 4096 && p.Transport == DnsTransport.Udp).Outcome);
        Assert.Equal(EdnsProbeOutcome.Truncated, result.Probes.Single(p => p.BufferSize == 1232).Outcome);
        Assert.True(result.TcpWorks);
        Assert.True(result.EdnsSupported);
        Assert.Null(result.SmallestLostUdpAnswer);
        Assert.True(result.LargestUdpAnswer > 2000);
        Assert.Equal(result.LargestUdpAnswer, result.FullAnswerSize);
        Assert.Equal(1232, result.RecommendedBufferSize);
        Assert.Equal("fake-ns1", result.Nsid);
        Assert.True(result.ElapsedMs < 3000, $"{result.ElapsedMs} ms: answers that arrive must not wait for the timeout");
    }

    [Fact]
    public async Task Fragment_loss_is_found_and_bracketed_by_bisection()
    {
        using var server = new FakeDnsServer(BigZone()) { UdpDropAbove = 1400 };
        var result = await Test(server, Options(LossTimeout));

        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.LargeUdpResponsesLost);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Contains("1232", finding.Recommendation, StringComparison.Ordinal);
        Assert.Contains("EnableEDNSProbes", finding.Recommendation, StringComparison.Ordinal);
        Assert.True(result.TcpWorks);
        Assert.DoesNotContain(FindingCodes.TcpFallbackBlocked, Problems(result));

        // The loss is bracketed: what arrived is at most 1400 bytes, what was lost more (within one ~37-byte MX record).
        Assert.InRange(result.LargestUdpAnswer, 1300, 1400);
        Assert.InRange(result.SmallestLostUdpAnswer!.Value, 1401, 1450);
        Assert.True(result.SmallestLostBufferSize - result.LargestWorkingBufferSize <= 16, $"{result.LargestWorkingBufferSize}..{result.SmallestLostBufferSize}");
        Assert.Contains(result.Probes, p => p.Kind == EdnsProbeKind.Bisection);
        Assert.True(result.RecommendedBufferSize <= result.LargestWorkingBufferSize);
        Assert.Equal(1232, result.RecommendedBufferSize);
        Assert.Equal(result.SmallestLostUdpAnswer, finding.Evidence["SmallestLostUdpAnswer"]);
    }

    [Fact]
    public async Task Loss_below_1232_lowers_the_recommended_buffer()
    {
        using var server = new FakeDnsServer(BigZone()) { UdpDropAbove = 1000 };
        var result = await Test(server, Options(LossTimeout));
        Assert.Contains(FindingCodes.LargeUdpResponsesLost, Problems(result));
        Assert.InRange(result.RecommendedBufferSize, 512, 1000);
        Assert.InRange(result.LargestUdpAnswer, 900, 1000);
    }

    [Fact]
    public async Task One_server_matrix_runs_in_parallel_within_one_timeout()
    {
        using var server = new FakeDnsServer(BigZone()) { UdpDropAbove = 1400 };
        var stopwatch = Stopwatch.StartNew();
        var result = await Test(server, Options(timeoutSeconds: 1, bisect: false));
        stopwatch.Stop();

        Assert.True(result.Probes.Count(p => p.Outcome == EdnsProbeOutcome.Timeout) >= 2);
        Assert.True(stopwatch.Elapsed.TotalSeconds < 1.5, $"{stopwatch.Elapsed.TotalSeconds:0.000} s for the whole matrix");
    }

    [Fact]
    public async Task Refused_tcp_is_tcp_fallback_blocked()
    {
        using var server = new FakeDnsServer(BigZone(), tcp: false);
        var result = await Test(server, Options());

        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.TcpFallbackBlocked);
        Assert.Equal(FindingSeverity.Error, finding.Severity); // truncated answers need TCP
        Assert.False(result.TcpWorks);
        Assert.Equal(EdnsProbeOutcome.NetworkError, result.Probes.Single(p => p.Transport == DnsTransport.Tcp).Outcome);
        Assert.DoesNotContain(FindingCodes.LargeUdpResponsesLost, Problems(result));
    }

    [Fact]
    public async Task Blocked_tcp_is_only_info_when_the_answer_fits_in_udp()
    {
        var zone = new FakeZone().Soa("test").Mx("small.test", 10, "mx1.small.test");
        using var server = new FakeDnsServer(zone, tcp: false);
        var result = await Test(server, Options(), "small.test");

        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.TcpFallbackBlocked);
        Assert.Equal(FindingSeverity.Info, finding.Severity);
        Assert.Equal(false, finding.Evidence["NeededForThisAnswer"]);
        Assert.Empty(Problems(result));
        Assert.False(result.TcpWorks);
    }

    [Fact]
    public void Losing_only_a_large_answer_whose_smaller_form_is_complete_is_a_warning()
    {
        // Knot's MX answer with glue and signatures: 1657 bytes at buffer 4096 (fragmented, lost), complete without
        // the optional additional records at 1232 (1065 bytes) and 1472 (1361 bytes).
        static EdnsProbe Udp(int buffer, EdnsProbeOutcome outcome, int size) => new()
        {
            Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Udp, Edns = buffer > 0, BufferSize = buffer, DnssecOk = buffer > 0,
            Outcome = outcome, ResponseSize = size, AnswerCount = size > 0 ? 4 : 0, ResponseHasOpt = buffer > 0 && size > 0,
        };
        var probes = new[]
        {
            Udp(0, EdnsProbeOutcome.Answer, 166), Udp(512, EdnsProbeOutcome.Answer, 473), Udp(1232, EdnsProbeOutcome.Answer, 1065),
            Udp(1472, EdnsProbeOutcome.Answer, 1361), Udp(4096, EdnsProbeOutcome.Timeout, 0),
            new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Tcp, Edns = true, BufferSize = 4096, Outcome = EdnsProbeOutcome.Answer, ResponseSize = 1657, AnswerCount = 4, ResponseHasOpt = true },
        };
        var result = EdnsReachabilityAnalyzer.Analyze(new EdnsServerTarget(new IPEndPoint(IPAddress.Parse("198.51.100.54"), 53)), "failover.test", Options(), probes, 10);

        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.LargeUdpResponsesLost);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(1472, finding.Evidence["CompleteAnswerBufferSize"]);
        Assert.Contains("complete answer", finding.Message, StringComparison.Ordinal);

        // The same answers with TCP blocked: a 1232-byte resolver never needs TCP for this name.
        var noTcp = probes.Take(5).Append(new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Tcp, Edns = true, BufferSize = 4096, Outcome = EdnsProbeOutcome.Timeout }).ToArray();
        Assert.False(EdnsReachabilityAnalyzer.NeedsTcp(noTcp.Where(p => p.Transport == DnsTransport.Udp).ToList(), false, null));
    }

    [Fact]
    public async Task Silent_tcp_is_tcp_fallback_blocked_and_fragment_loss_both()
    {
        using var server = new FakeDnsServer(BigZone()) { TcpSilent = true, UdpDropAbove = 1400 };
        var result = await Test(server, Options(LossTimeout, bisect: false));
        Assert.Contains(FindingCodes.TcpFallbackBlocked, Problems(result));
        Assert.Contains(FindingCodes.LargeUdpResponsesLost, Problems(result));
        Assert.Equal(EdnsProbeOutcome.Timeout, result.Probes.Single(p => p.Transport == DnsTransport.Tcp).Outcome);
    }

    [Fact]
    public async Task No_answer_at_all_is_server_unreachable()
    {
        using var server = new FakeDnsServer(BigZone(), tcp: false) { UdpSilent = true };
        var result = await Test(server, Options(timeoutSeconds: 0.3));
        Assert.Equal(FindingCodes.ServerUnreachable, Assert.Single(result.Findings).Code);
        Assert.False(result.TcpWorks);
        Assert.Equal(0, result.LargestUdpAnswer);
    }

    [Fact]
    public async Task Udp_blocked_but_tcp_working_is_reported()
    {
        using var server = new FakeDnsServer(BigZone()) { UdpSilent = true };
        var result = await Test(server, Options(LossTimeout));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.ServerUnreachable, finding.Code);
        Assert.Contains("UDP", finding.Message, StringComparison.Ordinal);
        Assert.True(result.TcpWorks);
    }

    [Fact]
    public async Task Server_ignoring_edns_is_edns_not_supported()
    {
        var zone = BigZone();
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var query = DnsMessageReader.Read(bytes);
            var answer = zone.Answer(query);
            var stripped = new DnsMessage { Id = answer.Id, IsResponse = true, Questions = answer.Questions, Answers = answer.Answers };
            var plainQuery = new DnsMessage { Id = query.Id, Questions = query.Questions };
            return new[] { new FakeReply(transport == DnsTransport.Udp ? FakeDnsServer.EncodeUdp(plainQuery, stripped, true, false) : DnsMessageWriter.Write(stripped)) };
        };

        var result = await Test(server, Options());
        Assert.Contains(FindingCodes.EdnsNotSupported, Problems(result));
        Assert.False(result.EdnsSupported);
        Assert.Equal(512, result.RecommendedBufferSize);
        // Truncated EDNS answers without OPT are also reported.
        Assert.Contains(FindingCodes.TruncatedWithoutOpt, Problems(result));
    }

    [Fact]
    public async Task Formerr_on_edns_is_edns_not_supported()
    {
        var zone = BigZone();
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var query = DnsMessageReader.Read(bytes);
            var reply = query.Edns is null
                ? FakeDnsServer.EncodeUdp(query, zone.Answer(query), true, false)
                : DnsMessageWriter.Write(new DnsMessage { Id = query.Id, IsResponse = true, ResponseCode = DnsResponseCode.FormErr, Questions = query.Questions });
            return new[] { new FakeReply(reply) };
        };

        var result = await Test(server, Options(), Big);
        Assert.Contains(FindingCodes.EdnsNotSupported, Problems(result));
        Assert.All(result.Probes.Where(p => p.Edns && p.Transport == DnsTransport.Udp), p => Assert.Equal(EdnsProbeOutcome.FormErr, p.Outcome));
    }

    [Fact]
    public async Task Oversize_udp_answers_are_buffer_size_exceeded()
    {
        using var server = new FakeDnsServer(BigZone()) { HonorBufferSize = false };
        var result = await Test(server, Options());
        Assert.True(result.Findings.Any(f => f.Code == FindingCodes.BufferSizeExceeded), string.Join("\n", result.Probes.Select(p => p.ToString() + " " + p.Detail)) + "\n" + string.Join("\n", result.Findings));
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.BufferSizeExceeded);
        Assert.Equal(512, finding.Evidence["AllowedSize"]);
        Assert.True((int)finding.Evidence["ResponseSize"] > 2000);
    }

    [Fact]
    public async Task Truncated_answers_without_opt_are_reported()
    {
        using var server = new FakeDnsServer(BigZone()) { TruncateWithoutOpt = true };
        var result = await Test(server, Options());
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.TruncatedWithoutOpt);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
    }

    [Fact]
    public async Task Compliant_server_passes_the_compliance_probes()
    {
        using var server = new FakeDnsServer(BigZone());
        var result = await Test(server, Options(compliance: true));
        Assert.Empty(Problems(result));
        Assert.Contains(result.Findings, f => f.Code == FindingCodes.EdnsCompliant);
        Assert.Equal(EdnsProbeOutcome.BadVers, result.Probes.Single(p => p.Kind == EdnsProbeKind.UnknownVersion).Outcome);
        Assert.Equal(EdnsProbeOutcome.Truncated, result.Probes.Single(p => p.Kind == EdnsProbeKind.TruncatedOpt).Outcome);
        Assert.Equal(11, result.Probes.Length);
    }

    [Fact]
    public async Task Non_compliant_server_gets_one_finding_per_failed_check()
    {
        var zone = BigZone();
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var query = DnsMessageReader.Read(bytes);
            var edns = query.Edns;
            if (edns is not null && (edns.Flags & EdnsReachabilityTester.UnknownFlag) != 0)
            {
                return new[] { new FakeReply(DnsMessageWriter.Write(new DnsMessage { Id = query.Id, IsResponse = true, ResponseCode = DnsResponseCode.FormErr, Questions = query.Questions })) };
            }

            var answer = zone.Answer(new DnsMessage { Id = query.Id, Questions = query.Questions, Edns = edns is null ? null : new EdnsRecord { UdpPayloadSize = edns.UdpPayloadSize, Flags = edns.Flags } });
            // Echo every option and ignore the version.
            var echoed = new DnsMessage { Id = answer.Id, IsResponse = true, ResponseCode = answer.ResponseCode, Questions = answer.Questions, Answers = answer.Answers, Edns = edns is null ? null : new EdnsRecord { UdpPayloadSize = 4096, Options = edns.Options } };
            return new[] { new FakeReply(transport == DnsTransport.Udp ? FakeDnsServer.EncodeUdp(query, echoed, true, true) : DnsMessageWriter.Write(echoed)) };
        };

        var result = await Test(server, Options(compliance: true));
        var codes = Problems(result).ToList();
        Assert.Contains(FindingCodes.EdnsVersionNotRejected, codes);
        Assert.Contains(FindingCodes.EdnsUnknownOptionRejected, codes);
        Assert.Contains(FindingCodes.EdnsUnknownFlagRejected, codes);
        Assert.Contains(FindingCodes.TruncatedWithoutOpt, codes);
        Assert.DoesNotContain(result.Findings, f => f.Code == FindingCodes.EdnsCompliant);
    }

    [Fact]
    public async Task Ipv6_servers_are_probed_the_same_way()
    {
        Assert.SkipUnless(System.Net.Sockets.Socket.OSSupportsIPv6, "IPv6 is not available on this host.");

        using var server = new FakeDnsServer(BigZone(), ipv6: true) { UdpDropAbove = 1400 };
        var result = await Test(server, Options(LossTimeout, bisect: false));
        Assert.Contains(FindingCodes.LargeUdpResponsesLost, Problems(result));
        Assert.StartsWith("[::1]:", result.Server, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runner_emits_one_result_per_address_in_order()
    {
        using var a = new FakeDnsServer(BigZone());
        using var b = new FakeDnsServer(BigZone()) { UdpDropAbove = 1400 };
        var results = new List<EdnsReachabilityResult>();
        var errors = new List<MailFlowException>();
        var request = new EdnsReachabilityRequest
        {
            Name = "BIG.test.",
            Servers = new[] { a.EndPoint.ToString(), b.EndPoint.ToString(), a.EndPoint.ToString() },
            Timeout = TimeSpan.FromSeconds(LossTimeout),
            BufferSizes = new[] { 4096, 0, 1232 },
        };
        await Task.Run(() => EdnsReachabilityRunner.RunAsync(request, results.Add, errors.Add, null, CancellationToken.None));

        Assert.Empty(errors);
        Assert.Equal(new[] { a.EndPoint.ToString(), b.EndPoint.ToString() }, results.Select(r => r.Server));
        Assert.Equal("big.test", results[0].Name);
        Assert.Equal(new[] { 0, 1232, 4096 }, results[0].Probes.Where(p => p.Kind == EdnsProbeKind.Matrix && p.Transport == DnsTransport.Udp).Select(p => p.BufferSize));
        Assert.Contains(FindingCodes.LargeUdpResponsesLost, Problems(results[1]));
    }

    [Fact]
    public async Task Runner_discovers_the_authoritative_servers_by_default()
    {
        // The fake server is both the resolver and the zone's only name server (via its port).
        var zone = BigZone().Ns("test", "ns1.test").A("ns1.test", "127.0.0.1");
        using var server = new FakeDnsServer(zone);
        var results = new List<EdnsReachabilityResult>();
        var errors = new List<MailFlowException>();
        var request = new EdnsReachabilityRequest { Name = Big, Timeout = TimeSpan.FromSeconds(0.3), Resolver = new DnsResolverOptions { Servers = new[] { server.EndPoint }, Attempts = 1 } };
        await Task.Run(() => EdnsReachabilityRunner.RunAsync(request, results.Add, errors.Add, null, CancellationToken.None));

        // Discovery yields 127.0.0.1:53, where nothing listens in the test environment: the result says so.
        Assert.Empty(errors);
        var result = Assert.Single(results);
        Assert.Equal("127.0.0.1", result.Server);
        Assert.Equal("ns1.test", result.ServerName);
    }

    [Fact]
    public async Task Runner_reports_unknown_hosts_and_bad_names_as_errors_and_goes_on()
    {
        using var server = new FakeDnsServer(BigZone().A("ns.test", "127.0.0.1"));
        var results = new List<EdnsReachabilityResult>();
        var errors = new List<MailFlowException>();
        var resolver = new DnsResolverOptions { Servers = new[] { server.EndPoint }, Attempts = 1 };

        await Task.Run(() => EdnsReachabilityRunner.RunAsync(new EdnsReachabilityRequest { Name = Big, Servers = new[] { "nosuchhost.test", server.EndPoint.ToString() }, Timeout = TimeSpan.FromSeconds(3), Resolver = resolver }, results.Add, errors.Add, null, CancellationToken.None));
        var unknown = Assert.Single(errors);
        Assert.Equal(ErrorIds.UnknownHost, unknown.ErrorId);
        Assert.False(unknown.IsInvalidInvocation);
        Assert.Single(results);

        errors.Clear();
        await Task.Run(() => EdnsReachabilityRunner.RunAsync(new EdnsReachabilityRequest { Name = "bad name", Servers = new[] { server.EndPoint.ToString() } }, results.Add, errors.Add, null, CancellationToken.None));
        Assert.Equal(ErrorIds.InvalidDomainName, Assert.Single(errors).ErrorId);
    }

    [Theory]
    [InlineData(0.0, null)]
    [InlineData(61.0, null)]
    [InlineData(double.NaN, null)]
    [InlineData(3.0, 100)]
    [InlineData(3.0, 511)]
    [InlineData(3.0, 65536)]
    public void Out_of_range_values_are_invalid_invocations(double timeoutSeconds, int? bufferSize)
    {
        // The timeout is refused where its seconds become a TimeSpan (FromParameters), the buffer sizes by ToOptions.
        var bufferSizes = bufferSize is null ? Array.Empty<int>() : new[] { bufferSize.Value };
        var ex = Assert.Throws<MailFlowException>(() => EdnsReachabilityRequest.FromParameters("a.test", DnsRecordType.MX, null, bufferSizes, true, timeoutSeconds, false, false).ToOptions());
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
        Assert.True(ex.IsInvalidInvocation);
    }

    [Theory]
    [InlineData("198.51.100.54", "198.51.100.54", 53)]
    [InlineData("2001:db8:5::54", "2001:db8:5::54", 53)]
    [InlineData("[2001:db8:5::54]:5353", "2001:db8:5::54", 5353)]
    [InlineData("127.0.0.1:5300", "127.0.0.1", 5300)]
    [InlineData("NS1.Lab.Test.", "ns1.lab.test", 53)]
    [InlineData("ns1.lab.test:54", "ns1.lab.test", 54)]
    public void Server_specs_are_parsed(string text, string host, int port)
    {
        var (h, _, p) = EdnsReachabilityRunner.ParseServer(text);
        Assert.Equal((host, port), (h, p));
    }

    [Theory]
    [InlineData("bad host", ErrorIds.InvalidHostName)]
    [InlineData("[::1", ErrorIds.InvalidHostName)]
    [InlineData("127.0.0.1:0", ErrorIds.ValueOutOfRange)]
    [InlineData("127.0.0.1:70000", ErrorIds.ValueOutOfRange)]
    public void Bad_server_specs_are_invalid_arguments(string text, string errorId)
    {
        Assert.Equal(errorId, Assert.Throws<MailFlowException>(() => EdnsReachabilityRunner.ParseServer(text)).ErrorId);
    }
}
