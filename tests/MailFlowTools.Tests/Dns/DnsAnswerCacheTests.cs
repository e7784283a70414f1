using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Tests.Dns;

/// <summary>A batch asks its shared names (MX hosts' addresses, TLSA) once per TTL, and never keeps a failure.</summary>
[Collection(DnsSocketCollection.Name)]
public sealed class DnsAnswerCacheTests
{
    private const string Servers = "198.51.100.56:53";

    private static DnsLookup Answer(uint ttl, DnsLookupError error = DnsLookupError.None, bool empty = false, uint soaTtl = 300) => new()
    {
        Name = "mx.example.test",
        Type = DnsRecordType.A,
        Error = error,
        Response = new DnsMessage
        {
            IsResponse = true,
            ResponseCode = error == DnsLookupError.ServFail ? DnsResponseCode.ServFail : DnsResponseCode.NoError,
            Answers = empty ? Array.Empty<DnsRecord>() : new[] { new DnsRecord("mx.example.test", DnsRecordType.A, DnsRecordClass.IN, ttl, new DnsAddressData(IPAddress.Parse("192.0.2.25"))) },
            Authorities = empty ? new[] { new DnsRecord("example.test", DnsRecordType.SOA, DnsRecordClass.IN, soaTtl, new DnsSoaData("ns1.example.test", "hostmaster.example.test", 1, 3600, 600, 86400, 300)) } : Array.Empty<DnsRecord>(),
        },
    };

    [Fact]
    public async Task Questions_asked_at_the_same_time_share_one_ask_and_later_ones_reuse_its_answer()
    {
        var cache = new DnsAnswerCache();
        var gate = new TaskCompletionSource<DnsLookup>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ask = new CountingAsk(() => gate.Task);

        var waiting = Enumerable.Range(0, 20).Select(_ => cache.GetOrAskAsync(Servers, "MX.Example.Test.", DnsRecordType.A, false, true, ask.Invoke)).ToList();
        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        gate.SetResult(Answer(ttl: 300));
        var answers = await Task.WhenAll(waiting);

        var later = await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        Assert.Equal(1, ask.Count);
        Assert.All(answers, a => Assert.Same(answers[0], a));
        Assert.Same(answers[0], later);
        Assert.Equal(1, cache.Count);
    }

    [Theory]
    [InlineData(DnsLookupError.ServFail)]
    [InlineData(DnsLookupError.Timeout)]
    [InlineData(DnsLookupError.NxDomain)]
    public async Task A_failed_answer_is_asked_again_by_the_next_domain(DnsLookupError error)
    {
        var cache = new DnsAnswerCache();
        var ask = new CountingAsk(() => Task.FromResult(Answer(300, error)));

        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        Assert.Equal(2, ask.Count);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task An_answer_is_kept_for_its_ttl_and_an_empty_one_for_its_soa_ttl_never_past_the_maximum_age()
    {
        var now = 0L;
        var cache = new DnsAnswerCache(maxAge: TimeSpan.FromSeconds(120), clock: () => now);
        Assert.Equal(TimeSpan.FromSeconds(30), cache.KeepFor(Answer(ttl: 30)));
        Assert.Equal(TimeSpan.FromSeconds(45), cache.KeepFor(Answer(ttl: 300, empty: true, soaTtl: 45)));
        Assert.Equal(TimeSpan.FromSeconds(120), cache.KeepFor(Answer(ttl: 86400)));
        Assert.Equal(TimeSpan.Zero, cache.KeepFor(Answer(ttl: 0)));

        var ask = new CountingAsk(() => Task.FromResult(Answer(ttl: 30)));

        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        now += 29 * Stopwatch.Frequency;
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        Assert.Equal(1, ask.Count);
        now += 2 * Stopwatch.Frequency;
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        Assert.Equal(2, ask.Count);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task A_zero_ttl_is_never_kept()
    {
        var cache = new DnsAnswerCache();
        var ask = new CountingAsk(() => Task.FromResult(Answer(ttl: 0)));

        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        Assert.Equal(2, ask.Count);
    }

    [Fact]
    public async Task Type_dnssec_cname_following_and_servers_are_different_questions()
    {
        var cache = new DnsAnswerCache();
        var ask = new CountingAsk(() => Task.FromResult(Answer(ttl: 300)));

        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.AAAA, false, true, ask.Invoke);
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, true, true, ask.Invoke);
        await cache.GetOrAskAsync(Servers, "mx.example.test", DnsRecordType.A, false, false, ask.Invoke);
        await cache.GetOrAskAsync("192.0.2.53:53", "mx.example.test", DnsRecordType.A, false, true, ask.Invoke);
        Assert.Equal(5, ask.Count);
        Assert.Equal(5, cache.Count);
    }

    [Fact]
    public async Task Past_its_capacity_the_cache_asks_every_time_and_does_not_grow()
    {
        var cache = new DnsAnswerCache(capacity: 3);
        var ask = new CountingAsk(() => Task.FromResult(Answer(ttl: 300)));

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 10; i++)
            {
                await cache.GetOrAskAsync(Servers, "mx" + i + ".example.test", DnsRecordType.A, false, true, ask.Invoke);
            }
        }

        Assert.Equal(3, cache.Count);
        Assert.Equal(3 + 2 * 7, ask.Count);
    }

    [Fact]
    public async Task A_waiter_whose_own_token_is_live_asks_for_itself_when_the_first_asker_was_cancelled()
    {
        using var server = new FakeDnsServer(new FakeZone().Soa("example.test").A("mx.example.test", "192.0.2.25")) { UdpSilent = true };
        var resolver = new DnsResolver(new DnsResolverOptions { Servers = new[] { server.EndPoint }, Timeout = TimeSpan.FromSeconds(5), Attempts = 1, SharedAnswers = new DnsAnswerCache() });
        using var firstCaller = new CancellationTokenSource();
        var first = resolver.SharedLookupAsync("mx.example.test", DnsRecordType.A, firstCaller.Token);
        var second = resolver.SharedLookupAsync("mx.example.test", DnsRecordType.A, CancellationToken.None);
        await WaitForAsync(() => server.UdpQueries == 1);
        Assert.False(second.IsCompleted);

        server.UdpSilent = false;
        firstCaller.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var answer = await second;
        Assert.Equal(DnsLookupError.None, answer.Error);
        Assert.Equal("192.0.2.25", answer.Data<DnsAddressData>().Single().Address.ToString());
        Assert.Equal(2, server.UdpQueries);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the query did not reach the server within 5 s");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_batch_of_domains_on_one_mx_host_asks_its_addresses_once()
    {
        var zone = new FakeZone().Soa("example.test").A("mx.example.test", "192.0.2.25").Aaaa("mx.example.test", "2001:db8::25");
        for (var i = 0; i < 20; i++)
        {
            zone.Mx("d" + i + ".example.test", 10, "mx.example.test");
        }

        using var server = new FakeDnsServer(zone);
        var resolverOptions = new DnsResolverOptions { Servers = new[] { server.EndPoint }, Timeout = TimeSpan.FromSeconds(2), Attempts = 1, SharedAnswers = new DnsAnswerCache() };
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            MxResolver.ResolveAsync("d" + i + ".example.test", new MxResolverOptions { Resolver = resolverOptions, Seed = 1 }, CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(new[] { "192.0.2.25", "2001:db8::25" }, r.Targets.Single().Addresses.Select(a => a.Address)));
        Assert.Equal(20 + 2, server.UdpQueries);

        using var unshared = new FakeDnsServer(zone);
        var each = new DnsResolverOptions { Servers = new[] { unshared.EndPoint }, Timeout = TimeSpan.FromSeconds(2), Attempts = 1 };
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            MxResolver.ResolveAsync("d" + i + ".example.test", new MxResolverOptions { Resolver = each, Seed = 1 }, CancellationToken.None)));
        Assert.Equal(20 * 3, unshared.UdpQueries);
    }

    /// <summary>An ask that counts how often the cache called it.</summary>
    private sealed class CountingAsk
    {
        private readonly Func<Task<DnsLookup>> _answer;
        private int _count;

        public CountingAsk(Func<Task<DnsLookup>> answer)
        {
            _answer = answer;
        }

        public int Count => Volatile.Read(ref _count);

        public Task<DnsLookup> Invoke()
        {
            Interlocked.Increment(ref _count);
            return _answer();
        }
    }
}
