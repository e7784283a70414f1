using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Tests.Dns;

[Collection(DnsSocketCollection.Name)]
public sealed class DnsTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static FakeZone Zone() => new FakeZone().Mx("example.test", 10, "mx1.example.test").A("mx1.example.test", "192.0.2.25");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Udp_exchange_returns_the_matching_answer_with_size_and_time(bool ipv6)
    {
        Assert.SkipWhen(ipv6 && !Socket.OSSupportsIPv6, "IPv6 is not available on this host.");

        using var server = new FakeDnsServer(Zone(), ipv6);
        var query = DnsQueryFactory.Create("example.test", DnsRecordType.MX);
        var result = await DnsUdpExchange.ExchangeAsync(server.EndPoint, query, Timeout, CancellationToken.None);

        Assert.Equal(DnsExchangeStatus.Response, result.Status);
        Assert.Equal(DnsTransport.Udp, result.Transport);
        Assert.Equal("mx1.example.test", ((DnsMxData)result.Response!.Answers[0].Data).Exchange);
        Assert.Equal(result.ResponseBytes!.Length, result.ResponseSize);
        Assert.Equal(DnsMessageWriter.Write(query).Length, result.QuerySize);
        Assert.InRange(result.ElapsedMs, 0.001, 1000);
        Assert.Equal(0, result.MismatchedCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tcp_carries_several_queries_on_one_connection(bool ipv6)
    {
        Assert.SkipWhen(ipv6 && !Socket.OSSupportsIPv6, "IPv6 is not available on this host.");

        var zone = Zone().A("a.example.test", "192.0.2.1").Aaaa("a.example.test", "2001:db8::1").Txt("example.test", "hello");
        using var server = new FakeDnsServer(zone, ipv6);
        var queries = new[]
        {
            DnsQueryFactory.Create("example.test", DnsRecordType.MX, new DnsQueryOptions { Id = 1 }),
            DnsQueryFactory.Create("a.example.test", DnsRecordType.A, new DnsQueryOptions { Id = 2 }),
            DnsQueryFactory.Create("a.example.test", DnsRecordType.AAAA, new DnsQueryOptions { Id = 3 }),
            DnsQueryFactory.Create("example.test", DnsRecordType.TXT, new DnsQueryOptions { Id = 4 }),
            DnsQueryFactory.Create("missing.example.test", DnsRecordType.A, new DnsQueryOptions { Id = 5 }),
        };
        var results = await DnsTcpExchange.ExchangeManyAsync(server.EndPoint, queries, Timeout, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(DnsExchangeStatus.Response, r.Status));
        Assert.Equal(new ushort[] { 1, 2, 3, 4, 5 }, results.Select(r => r.Response!.Id));
        Assert.Equal("hello", ((DnsTxtData)results[3].Response!.Answers[0].Data).Text);
        Assert.Equal(DnsResponseCode.NxDomain, results[4].Response!.ResponseCode);
        Assert.Equal(1, server.TcpConnections);
        Assert.Equal(5, server.TcpQueries);
    }

    [Fact]
    public async Task Tcp_rejects_duplicate_ids_on_one_connection()
    {
        var q = DnsQueryFactory.Create("a.test", DnsRecordType.A, new DnsQueryOptions { Id = 9 });
        await Assert.ThrowsAsync<ArgumentException>(() => DnsTcpExchange.ExchangeManyAsync(new IPEndPoint(IPAddress.Loopback, 53), new[] { q, q }, Timeout, CancellationToken.None));
    }

    [Fact]
    public async Task Timeout_is_a_result_and_cancellation_is_an_exception()
    {
        using var server = new FakeDnsServer(Zone()) { UdpSilent = true, TcpSilent = true };
        var query = DnsQueryFactory.Create("example.test", DnsRecordType.MX);

        var stopwatch = Stopwatch.StartNew();
        var udp = await DnsUdpExchange.ExchangeAsync(server.EndPoint, query, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.Equal(DnsExchangeStatus.Timeout, udp.Status);
        Assert.InRange(udp.ElapsedMs, 250, 1000);

        var tcp = await DnsTcpExchange.ExchangeAsync(server.EndPoint, query, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.Equal(DnsExchangeStatus.Timeout, tcp.Status);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        stopwatch.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DnsUdpExchange.ExchangeAsync(server.EndPoint, query, TimeSpan.FromSeconds(10), cancel.Token));
        using var cancelTcp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DnsTcpExchange.ExchangeAsync(server.EndPoint, query, TimeSpan.FromSeconds(10), cancelTcp.Token));
        Assert.True(stopwatch.ElapsedMilliseconds < 2000, $"cancellation took {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Refused_tcp_connection_is_a_network_error()
    {
        using var server = new FakeDnsServer(Zone(), tcp: false);
        var result = await DnsTcpExchange.ExchangeAsync(server.EndPoint, DnsQueryFactory.Create("example.test", DnsRecordType.MX), Timeout, CancellationToken.None);
        Assert.Equal(DnsExchangeStatus.NetworkError, result.Status);
        Assert.Contains("ConnectionRefused", result.Error, StringComparison.Ordinal);
        Assert.True(result.ElapsedMs < 1000);
    }

    [Fact]
    public async Task Large_answers_use_the_whole_65535_byte_tcp_buffer()
    {
        var zone = new FakeZone();
        for (var i = 0; i < 200; i++)
        {
            zone.Add("big.test", DnsRecordType.TXT, new DnsTxtData(new[] { new string('x', 250) }));
        }

        using var server = new FakeDnsServer(zone);
        var tcp = await DnsTcpExchange.ExchangeAsync(server.EndPoint, DnsQueryFactory.Create("big.test", DnsRecordType.TXT), Timeout, CancellationToken.None);
        Assert.Equal(DnsExchangeStatus.Response, tcp.Status);
        Assert.Equal(200, tcp.Response!.Answers.Count);
        Assert.True(tcp.ResponseSize > 50000);

        var udp = await DnsUdpExchange.ExchangeAsync(server.EndPoint, DnsQueryFactory.Create("big.test", DnsRecordType.TXT, new DnsQueryOptions { EdnsBufferSize = 65535 }), Timeout, CancellationToken.None);
        Assert.Equal(DnsExchangeStatus.Response, udp.Status);
        Assert.True(udp.ResponseSize > 50000, udp.ResponseSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
