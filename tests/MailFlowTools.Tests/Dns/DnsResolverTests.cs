using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Tests.Dns;

[Collection(DnsSocketCollection.Name)]
public sealed class DnsResolverTests
{
    private static MxResolverOptions Options(FakeDnsServer server, int? seed = null, double timeoutSeconds = 2) => new()
    {
        Seed = seed,
        Resolver = new DnsResolverOptions { Servers = new[] { server.EndPoint }, Timeout = TimeSpan.FromSeconds(timeoutSeconds), Attempts = 1 },
    };

    private static FakeZone EqualZone() => new FakeZone()
        .Soa("example.test")
        .Mx("example.test", 10, "b.example.test")
        .Mx("example.test", 20, "z.example.test")
        .Mx("example.test", 10, "a.example.test")
        .Mx("example.test", 5, "first.example.test")
        .Mx("example.test", 10, "c.example.test")
        .A("a.example.test", "192.0.2.1").A("b.example.test", "192.0.2.2").A("c.example.test", "192.0.2.3")
        .A("first.example.test", "192.0.2.5").Aaaa("first.example.test", "2001:db8::5")
        .A("z.example.test", "192.0.2.26");

    [Fact]
    public async Task Mx_targets_are_sorted_by_preference_with_addresses_ipv4_first()
    {
        using var server = new FakeDnsServer(EqualZone());
        var result = await MxResolver.ResolveAsync("Example.TEST.", Options(server, seed: 1), CancellationToken.None);

        Assert.Equal(MxSource.Mx, result.Source);
        Assert.Equal(DnsLookupError.None, result.Error);
        Assert.Equal("example.test", result.Domain);
        Assert.Equal(new[] { 5, 10, 10, 10, 20 }, result.Targets.Select(t => t.Preference));
        Assert.Equal("first.example.test", result.Targets[0].Exchange);
        Assert.Equal(new[] { "192.0.2.5", "2001:db8::5" }, result.Targets[0].Addresses.Select(a => a.Address));
        Assert.Equal(new[] { DnsAddressFamily.IPv4, DnsAddressFamily.IPv6 }, result.Targets[0].Addresses.Select(a => a.Family));
        Assert.Equal("z.example.test", result.Targets[4].Exchange);
        Assert.True(result.AnswerSize > 0);
        Assert.Equal(DnsTransport.Udp, result.Transport);
        Assert.Equal(server.EndPoint.ToString(), result.Server);
    }

    [Fact]
    public async Task Equal_preferences_are_shuffled_reproducibly_with_a_seed()
    {
        using var server = new FakeDnsServer(EqualZone());
        string Order(MxResolution r) => string.Join(",", r.Targets.Skip(1).Take(3).Select(t => t.Exchange[0]));

        var first = await MxResolver.ResolveAsync("example.test", Options(server, seed: 42), CancellationToken.None);
        var again = await MxResolver.ResolveAsync("example.test", Options(server, seed: 42), CancellationToken.None);
        Assert.Equal(Order(first), Order(again));

        var orders = new HashSet<string>();
        for (var seed = 0; seed < 30; seed++)
        {
            orders.Add(string.Join(",", MxResolver.Order(new[] { new DnsMxData(10, "a"), new DnsMxData(10, "b"), new DnsMxData(10, "c"), new DnsMxData(1, "x") }, seed).Select(m => m.Exchange)));
        }

        Assert.All(orders, o => Assert.StartsWith("x,", o, StringComparison.Ordinal));
        Assert.True(orders.Count >= 4, string.Join(" | ", orders));
    }

    [Fact]
    public async Task No_mx_means_the_domain_itself_is_the_implicit_mx()
    {
        using var server = new FakeDnsServer(new FakeZone().Soa("implicit.test").A("implicit.test", "192.0.2.40").Aaaa("implicit.test", "2001:db8::40"));
        var result = await MxResolver.ResolveAsync("implicit.test", Options(server), CancellationToken.None);

        Assert.Equal(MxSource.ImplicitMx, result.Source);
        var target = Assert.Single(result.Targets);
        Assert.Equal((0, "implicit.test"), (target.Preference, target.Exchange));
        Assert.Equal(2, target.Addresses.Count);
    }

    [Fact]
    public async Task A_domain_with_neither_mx_nor_address_accepts_no_mail()
    {
        using var server = new FakeDnsServer(new FakeZone().Soa("nomail.test").Txt("nomail.test", "v=spf1 -all"));
        var result = await MxResolver.ResolveAsync("nomail.test", Options(server), CancellationToken.None);
        Assert.Equal(MxSource.NoMailDomain, result.Source);
        Assert.Equal(DnsLookupError.None, result.Error);
        Assert.Empty(result.Targets);
    }

    [Fact]
    public async Task Null_mx_is_recognised_and_ignored_next_to_real_mx()
    {
        using var server = new FakeDnsServer(new FakeZone()
            .Mx("nullmx.test", 0, ".")
            .Mx("mixed.test", 0, ".").Mx("mixed.test", 10, "mx.mixed.test").A("mx.mixed.test", "192.0.2.9"));

        var nullMx = await MxResolver.ResolveAsync("nullmx.test", Options(server), CancellationToken.None);
        Assert.Equal(MxSource.NullMx, nullMx.Source);
        Assert.Empty(nullMx.Targets);

        var mixed = await MxResolver.ResolveAsync("mixed.test", Options(server), CancellationToken.None);
        Assert.Equal(MxSource.Mx, mixed.Source);
        Assert.Equal("mx.mixed.test", Assert.Single(mixed.Targets).Exchange);
        Assert.Contains("RFC 7505", Assert.Single(mixed.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cname_on_the_domain_is_followed_and_cname_targets_are_flagged()
    {
        using var server = new FakeDnsServer(new FakeZone()
            .Cname("alias.test", "real.test")
            .Mx("real.test", 10, "mxalias.real.test")
            .Mx("real.test", 20, "192.0.2.77")
            .Cname("mxalias.real.test", "host.real.test")
            .A("host.real.test", "192.0.2.30"));

        var result = await MxResolver.ResolveAsync("alias.test", Options(server), CancellationToken.None);

        Assert.Equal(MxSource.Mx, result.Source);
        Assert.Equal("real.test", result.CanonicalName);
        Assert.Equal(new[] { "alias.test", "real.test" }, result.CnameChain);
        var first = result.Targets[0];
        Assert.True(first.IsCname);
        Assert.Equal("host.real.test", first.CanonicalName);
        Assert.Equal("192.0.2.30", Assert.Single(first.Addresses).Address);
        var literal = result.Targets[1];
        Assert.True(literal.IsAddressLiteral);
        Assert.False(literal.IsCname);
        Assert.Equal(DnsLookupError.NxDomain, literal.AddressError);
    }

    [Fact]
    public async Task Cname_chain_is_requeried_when_the_server_stops_at_the_alias()
    {
        // Each name answers only for itself, like authoritative servers for different zones.
        var zone = new FakeZone().Cname("a.test", "b.test").Cname("b.test", "c.test").Mx("c.test", 10, "mx.c.test");
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var query = DnsMessageReader.Read(bytes);
            var full = zone.Answer(query);
            var answers = full.Answers.Where(r => DnsName.Equal(r.Name, query.Question!.Name)).ToList();
            return new[] { new FakeReply(DnsMessageWriter.Write(new DnsMessage { Id = query.Id, IsResponse = true, Questions = query.Questions, Answers = answers, Edns = full.Edns })) };
        };

        var result = await MxResolver.ResolveAsync("a.test", Options(server), CancellationToken.None);
        Assert.Equal(new[] { "a.test", "b.test", "c.test" }, result.CnameChain);
        Assert.Equal("mx.c.test", Assert.Single(result.Targets).Exchange);
    }

    [Fact]
    public async Task Cname_loops_are_reported()
    {
        using var server = new FakeDnsServer(new FakeZone().Cname("loop1.test", "loop2.test").Cname("loop2.test", "loop1.test"));
        var resolver = new DnsResolver(Options(server).Resolver);
        var lookup = await resolver.LookupAsync("loop1.test", DnsRecordType.MX, CancellationToken.None);
        Assert.Equal(DnsLookupError.CnameLoop, lookup.Error);
    }

    [Fact]
    public async Task Nxdomain_and_servfail_stay_distinct_and_are_never_no_mx()
    {
        var zone = new FakeZone().Soa("exists.test").A("exists.test", "192.0.2.1");
        zone.ServFailNames.Add("broken.test");
        using var server = new FakeDnsServer(zone);

        var nx = await MxResolver.ResolveAsync("missing.test", Options(server), CancellationToken.None);
        Assert.Equal((MxSource.LookupFailed, DnsLookupError.NxDomain), (nx.Source, nx.Error));
        Assert.Empty(nx.Targets);

        var servfail = await MxResolver.ResolveAsync("broken.test", Options(server), CancellationToken.None);
        Assert.Equal((MxSource.LookupFailed, DnsLookupError.ServFail), (servfail.Source, servfail.Error));
        Assert.Contains("ServFail", servfail.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silence_is_a_timeout_not_no_mx()
    {
        using var server = new FakeDnsServer(new FakeZone()) { UdpSilent = true, TcpSilent = true };
        var result = await MxResolver.ResolveAsync("example.test", Options(server, timeoutSeconds: 0.2), CancellationToken.None);
        Assert.Equal((MxSource.LookupFailed, DnsLookupError.Timeout), (result.Source, result.Error));
    }

    [Fact]
    public async Task Truncated_udp_answers_are_repeated_over_tcp()
    {
        var zone = new FakeZone();
        for (var i = 0; i < 60; i++)
        {
            zone.Mx("many.test", (ushort)i, $"mail-exchanger-number-{i:00}.many.test");
        }

        using var server = new FakeDnsServer(zone);
        var result = await MxResolver.ResolveAsync("many.test", new MxResolverOptions { ResolveAddresses = false, Resolver = Options(server).Resolver }, CancellationToken.None);
        Assert.Equal(60, result.Targets.Count);
        Assert.Equal(DnsTransport.Tcp, result.Transport);
        Assert.True(result.AnswerSize > 1232, result.AnswerSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, server.TcpQueries);
    }

    [Fact]
    public async Task Resolver_asks_with_edns_1232_and_do_off_by_default()
    {
        DnsMessage? seen = null;
        var zone = new FakeZone().A("host.test", "192.0.2.1");
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var query = DnsMessageReader.Read(bytes);
            seen = query;
            return new[] { new FakeReply(DnsMessageWriter.Write(zone.Answer(query))) };
        };

        var resolver = new DnsResolver(Options(server).Resolver);
        var lookup = await resolver.LookupAsync("host.test", DnsRecordType.A, CancellationToken.None);
        Assert.Equal(DnsLookupError.None, lookup.Error);
        Assert.Equal(1232, seen!.Edns!.UdpPayloadSize);
        Assert.False(seen.Edns.DnssecOk);
        Assert.True(seen.RecursionDesired);
    }

    [Fact]
    public async Task Servfail_from_one_server_moves_on_to_the_next()
    {
        var bad = new FakeZone();
        bad.ServFailNames.Add("example.test");
        using var broken = new FakeDnsServer(bad);
        using var good = new FakeDnsServer(new FakeZone().Mx("example.test", 10, "mx.example.test"));
        var options = new MxResolverOptions
        {
            ResolveAddresses = false,
            Resolver = new DnsResolverOptions { Servers = new[] { broken.EndPoint, good.EndPoint }, Attempts = 1, Timeout = TimeSpan.FromSeconds(1) },
        };
        var result = await MxResolver.ResolveAsync("example.test", options, CancellationToken.None);
        Assert.Equal(MxSource.Mx, result.Source);
        Assert.Equal(good.EndPoint.ToString(), result.Server);
    }

    [Fact]
    public async Task Edns_rejecting_servers_are_asked_again_without_edns()
    {
        var zone = new FakeZone().A("old.test", "192.0.2.1");
        using var server = new FakeDnsServer(zone);
        server.RawHandler = (bytes, transport) =>
        {
            var query = DnsMessageReader.Read(bytes);
            var reply = query.Edns is not null
                ? new DnsMessage { Id = query.Id, IsResponse = true, ResponseCode = DnsResponseCode.FormErr, Questions = query.Questions }
                : zone.Answer(query);
            return new[] { new FakeReply(DnsMessageWriter.Write(reply)) };
        };

        var lookup = await new DnsResolver(Options(server).Resolver).LookupAsync("old.test", DnsRecordType.A, CancellationToken.None);
        Assert.Equal(DnsLookupError.None, lookup.Error);
        Assert.Single(lookup.Records);
    }

    [Fact]
    public async Task Authoritative_servers_are_found_from_a_name_below_the_zone()
    {
        var zone = new FakeZone()
            .Soa("zone.test")
            .Ns("zone.test", "ns1.zone.test").Ns("zone.test", "ns2.zone.test")
            .A("ns1.zone.test", "192.0.2.53").Aaaa("ns1.zone.test", "2001:db8::53")
            .A("ns2.zone.test", "192.0.2.54")
            .Mx("big.zone.test", 10, "mx.zone.test");
        using var server = new FakeDnsServer(zone);

        var found = await AuthoritativeServerFinder.FindAsync("big.zone.test", Options(server).Resolver, CancellationToken.None);
        Assert.Equal("zone.test", found.Zone);
        Assert.Equal(new[] { "ns1.zone.test", "ns2.zone.test" }, found.NameServers.Select(n => n.Name));
        Assert.Equal(new[] { IPAddress.Parse("192.0.2.53"), IPAddress.Parse("2001:db8::53") }, found.NameServers[0].Addresses.OrderBy(a => a.AddressFamily));
    }

    [Fact]
    public void Resolv_conf_nameserver_lines_are_read_in_order()
    {
        var text = "# comment\nsearch lab.test\nnameserver 198.51.100.56\nnameserver  2001:db8:5::56\n;nameserver 192.0.2.1\nnameserver bogus\noptions edns0\n";
        Assert.Equal(new[] { IPAddress.Parse("198.51.100.56"), IPAddress.Parse("2001:db8:5::56") }, SystemDnsServers.ParseResolvConf(text));
    }

    [Fact]
    public async Task Invalid_domains_are_invalid_arguments()
    {
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => MxResolver.ResolveAsync("bad name!", new MxResolverOptions(), CancellationToken.None));
        Assert.Equal(ErrorIds.InvalidDomainName, ex.ErrorId);
    }

    [Theory]
    [InlineData("192.0.2.1", true)]
    [InlineData("[192.0.2.1]", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("[IPv6:2001:db8::1]", true)]
    [InlineData("10", false)]
    [InlineData("mx1.example.com", false)]
    [InlineData("1.2.3.example", false)]
    public void Address_literals_are_recognised(string exchange, bool literal)
    {
        Assert.Equal(literal, MxResolver.IsAddressLiteral(exchange));
    }
}
