using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;

namespace MailFlowTools.Tests.MxPath;

public sealed class MxPathEngineTests
{
    private const string Silent4 = "198.51.100.30";
    private const string Silent6 = "2001:db8:5::30";
    private const string Mx1v4 = "198.51.100.25";
    private const string Mx1v6 = "2001:db8:5::25";

    private static readonly MxPathOptions Fast = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        BannerTimeout = TimeSpan.FromSeconds(1),
        StaggerDelay = TimeSpan.FromMilliseconds(40),
    };

    // On the thread pool, as the cmdlet and the CLI run it, not on xunit's two-thread context.
    private static Task<MxPathResult> Run(FakeMxResolver dns, FakeHopProber smtp, string domain, MxPathOptions? options = null) =>
        Task.Run(() => new MxPathEngine(dns, smtp).TestAsync(domain, options ?? Fast, CancellationToken.None));

    private static string Timeline(FakeHopProber smtp) =>
        string.Join("; ", smtp.Probes.Select(p => FormattableString.Invariant($"{p.Address} {p.StartMs:0}-{p.EndMs:0} ms")));

    private static Finding Single(MxPathResult r, string code) => Assert.Single(r.Findings, f => f.Code == code);

    private static void None(MxPathResult r, string code) => Assert.DoesNotContain(r.Findings, f => f.Code == code);

    [Fact]
    public async Task A_healthy_first_hop_is_selected_and_the_rest_are_not_tried()
    {
        var dns = new FakeMxResolver().AddMx("healthy.test", Target(10, "mx1.healthy.test", Mx1v4, Mx1v6), Target(20, "mx2.healthy.test", "198.51.100.28"));
        var smtp = new FakeHopProber();

        var r = await Run(dns, smtp, "healthy.test");

        Assert.True(r.Reachable);
        Assert.Equal(MxPathSource.Mx, r.MxSource);
        Assert.Equal(3, r.Hops.Length);
        Assert.Same(r.Hops[0], r.SelectedHop);
        Assert.Equal(Mx1v6, r.SelectedHop!.Address);
        Assert.Equal(Mx1v6, r.SelectedHop.ComputerName);
        Assert.Equal(MxAddressFamily.IPv6, r.SelectedHop.AddressFamily);
        Assert.All(r.Hops.Skip(1), h => Assert.Equal(MxHopOutcome.NotTried, h.Outcome));
        Assert.Contains("hop 1", r.Hops[2].Detail);
        Assert.Single(smtp.Probes);
        Assert.DoesNotContain(r.Findings, f => f.IsProblem);
        Assert.Contains("first hop", r.Summary);
        Assert.Equal(new[] { 1, 2, 3 }, r.Hops.Select(h => h.Order));
    }

    [Fact]
    public async Task Incident_5_a_silent_first_MX_fails_over_to_the_second_within_one_banner_timeout()
    {
        // failover.lab.test: MX 100 silent (A and AAAA, both accept TCP and never greet), MX 300 mx1.
        var dns = new FakeMxResolver().AddMx("failover.test", Target(100, "silent.failover.test", Silent4, Silent6), Target(300, "mx1.failover.test", Mx1v4, Mx1v6));
        var smtp = new FakeHopProber()
            .On(Silent6, MxHopOutcome.NoBanner, delayMs: 700)
            .On(Silent4, MxHopOutcome.NoBanner, delayMs: 700);

        var r = await Run(dns, smtp, "failover.test", Fast with { StaggerDelay = TimeSpan.FromMilliseconds(50) });

        Assert.True(r.Reachable);
        Assert.Equal("mx1.failover.test", r.SelectedHop!.Exchange);
        Assert.Equal(300, r.SelectedHop.Preference);
        Assert.Equal(new[] { MxHopOutcome.NoBanner, MxHopOutcome.NoBanner, MxHopOutcome.Ok, MxHopOutcome.NotTried }, r.Hops.Select(h => h.Outcome));

        // Both silent addresses wait out the banner timeout side by side, not one after the other,
        // and the healthy MX is found while they wait.
        var s6 = smtp.Probes.Single(p => p.Address == Silent6);
        var s4 = smtp.Probes.Single(p => p.Address == Silent4);
        var ok = smtp.Probes.Single(p => p.Address == Mx1v6);
        Assert.True(s4.StartMs < s6.EndMs && ok.StartMs < s6.EndMs, Timeline(smtp));
        Assert.Equal(3, smtp.Probes.Count);

        var noBanner = Single(r, FindingCodes.NoBannerAfterConnect);
        Assert.Equal(FindingSeverity.Warning, noBanner.Severity);
        Assert.Equal("silent.failover.test", noBanner.Evidence["Exchange"]);
        Assert.Contains(Silent4, (string)noBanner.Evidence["Addresses"]);
        Assert.Contains(Silent6, (string)noBanner.Evidence["Addresses"]);
        Assert.False(string.IsNullOrEmpty(noBanner.Recommendation));

        var failover = Single(r, FindingCodes.PrimaryDownSecondaryUp);
        Assert.Equal("silent.failover.test", failover.Evidence["FailedExchanges"]);
        Assert.Equal("mx1.failover.test", failover.Evidence["SelectedExchange"]);
        None(r, FindingCodes.AllHopsFailed);
        None(r, FindingCodes.Ipv6PathBroken);
        Assert.Contains("after 2 failed hops", r.Summary);
    }

    [Fact]
    public async Task The_verdict_waits_for_an_earlier_hop_even_when_a_later_one_answered_first()
    {
        // The first hop greets slowly but does greet: a sequential sender delivers there, so must the verdict.
        var dns = new FakeMxResolver().AddMx("slow.test", Target(10, "slow.slow.test", "198.51.100.40"), Target(20, "fast.slow.test", "198.51.100.41"));
        var smtp = new FakeHopProber().On("198.51.100.40", MxHopOutcome.Ok, delayMs: 200);

        var r = await Run(dns, smtp, "slow.test");

        Assert.Equal("slow.slow.test", r.SelectedHop!.Exchange);
        Assert.Equal(MxHopOutcome.NotTried, r.Hops[1].Outcome);
        Assert.Equal(2, smtp.Probes.Count);
        None(r, FindingCodes.PrimaryDownSecondaryUp);
    }

    [Fact]
    public async Task Without_stagger_pressure_hops_run_one_at_a_time_in_order()
    {
        var dns = new FakeMxResolver().AddMx("seq.test", Target(10, "a.seq.test", "198.51.100.1"), Target(20, "b.seq.test", "198.51.100.2"), Target(30, "c.seq.test", "198.51.100.3"));
        var smtp = new FakeHopProber()
            .On("198.51.100.1", MxHopOutcome.ConnectRefused)
            .On("198.51.100.2", MxHopOutcome.BannerTempFailed, banner: "421 4.3.2 busy");

        var r = await Run(dns, smtp, "seq.test", Fast with { StaggerDelay = TimeSpan.FromSeconds(5) });

        Assert.Equal(new[] { "198.51.100.1", "198.51.100.2", "198.51.100.3" }, smtp.Probes.Select(p => p.Address));
        Assert.Equal(1, smtp.MaxConcurrent);
        Assert.Equal("c.seq.test", r.SelectedHop!.Exchange);
        var failover = Single(r, FindingCodes.PrimaryDownSecondaryUp);
        Assert.Contains("a.seq.test", (string)failover.Evidence["FailedExchanges"]);
        Assert.Contains("b.seq.test", (string)failover.Evidence["FailedExchanges"]);
    }

    [Fact]
    public async Task AllHops_probes_every_hop_but_selects_the_first_good_one()
    {
        var dns = new FakeMxResolver().AddMx("all.test", Target(10, "mx1.all.test", Mx1v4, Mx1v6), Target(20, "dead.all.test", "198.51.100.33"));
        var smtp = new FakeHopProber().On("198.51.100.33", MxHopOutcome.ConnectTimeout, delayMs: 50);

        var r = await Run(dns, smtp, "all.test", Fast with { AllHops = true });

        Assert.Equal(3, smtp.Probes.Count);
        Assert.DoesNotContain(r.Hops, h => h.Outcome == MxHopOutcome.NotTried);
        Assert.Equal(Mx1v6, r.SelectedHop!.Address);
        Assert.Equal(MxHopOutcome.ConnectTimeout, r.Hops[2].Outcome);
        Assert.True(r.Reachable);
        None(r, FindingCodes.PrimaryDownSecondaryUp);
    }

    [Fact]
    public async Task AllHops_gives_each_silent_host_its_own_timeout_in_parallel()
    {
        var dns = new FakeMxResolver().AddMx("slowall.test", Target(10, "s1.slowall.test", "198.51.100.30"), Target(20, "s2.slowall.test", "198.51.100.31"), Target(30, "ok.slowall.test", Mx1v4));
        var smtp = new FakeHopProber()
            .On("198.51.100.30", MxHopOutcome.NoBanner, delayMs: 700)
            .On("198.51.100.31", MxHopOutcome.NoBanner, delayMs: 700);

        var r = await Run(dns, smtp, "slowall.test", Fast with { AllHops = true });

        Assert.Equal(MxHopOutcome.Ok, r.Hops[2].Outcome);
        var s1 = smtp.Probes.Single(p => p.Address == "198.51.100.30");
        Assert.All(smtp.Probes.Skip(1), p => Assert.True(p.StartMs < s1.EndMs, Timeline(smtp)));
        Assert.Equal(2, r.Findings.Count(f => f.Code == FindingCodes.NoBannerAfterConnect));
    }

    [Theory]
    [InlineData(MxAddressFamily.Any, new[] { "2001:db8:5::1", "198.51.100.1", "2001:db8:5::2", "198.51.100.2", "198.51.100.3", "2001:db8:5::9" })]
    [InlineData(MxAddressFamily.IPv4, new[] { "198.51.100.1", "198.51.100.2", "198.51.100.3" })]
    [InlineData(MxAddressFamily.IPv6, new[] { "2001:db8:5::1", "2001:db8:5::2", "2001:db8:5::9" })]
    public async Task Addresses_follow_the_family_rule_and_hosts_keep_the_resolver_order(MxAddressFamily family, string[] expected)
    {
        var dns = new FakeMxResolver().AddMx(
            "order.test",
            Target(10, "a.order.test", "198.51.100.1", "198.51.100.2", "198.51.100.3", "2001:db8:5::1", "2001:db8:5::2"),
            Target(20, "b.order.test", "2001:db8:5::9"));

        var r = await Run(dns, new FakeHopProber(), "order.test", Fast with { AddressFamily = family, AllHops = true });

        Assert.Equal(expected, r.Hops.Select(h => h.Address));
        Assert.All(r.Hops, h => Assert.Equal(h.Address.Contains(':') ? MxAddressFamily.IPv6 : MxAddressFamily.IPv4, h.AddressFamily));
    }

    [Fact]
    public async Task Equal_preferences_keep_the_order_the_resolver_chose_for_the_seed()
    {
        var dns = new FakeMxResolver().AddMx("equal.test", Target(10, "c.equal.test", "198.51.100.3"), Target(10, "a.equal.test", "198.51.100.1"), Target(10, "b.equal.test", "198.51.100.2"));

        var r = await Run(dns, new FakeHopProber(), "equal.test", Fast with { Seed = 42, AllHops = true });

        Assert.Equal(new[] { "c.equal.test", "a.equal.test", "b.equal.test" }, r.Hops.Select(h => h.Exchange));
        Assert.Equal(("equal.test", (int?)42), Assert.Single(dns.Calls));
        Assert.Equal(42, r.Seed);
        Assert.Equal("c.equal.test", r.SelectedHop!.Exchange);
    }

    [Fact]
    public async Task Every_hop_failing_is_AllHopsFailed_with_the_outcomes_counted()
    {
        var dns = new FakeMxResolver().AddMx("down.test", Target(10, "a.down.test", "198.51.100.32"), Target(20, "b.down.test", "198.51.100.30"));
        var smtp = new FakeHopProber()
            .On("198.51.100.32", MxHopOutcome.ConnectRefused)
            .On("198.51.100.30", MxHopOutcome.NoBanner, delayMs: 20);

        var r = await Run(dns, smtp, "down.test");

        Assert.False(r.Reachable);
        Assert.Null(r.SelectedHop);
        var all = Single(r, FindingCodes.AllHopsFailed);
        Assert.Equal(FindingSeverity.Error, all.Severity);
        Assert.Equal(2, all.Evidence["Tried"]);
        Assert.Contains("ConnectRefused x1", (string)all.Evidence["Outcomes"]);
        Assert.Equal(FindingSeverity.Error, Single(r, FindingCodes.NoBannerAfterConnect).Severity);
        None(r, FindingCodes.LocalPort25Blocked);
        Assert.Empty(smtp.PortChecks);
        Assert.Contains("None of the 2 MX addresses", r.Summary);
    }

    [Fact]
    public async Task Port_25_timing_out_everywhere_while_another_port_answers_is_LocalPort25Blocked()
    {
        var dns = new FakeMxResolver().AddMx("blocked.test", Target(10, "mx.blocked.test", "198.51.100.25", "198.51.100.26"), Target(20, "mx2.blocked.test", "198.51.100.27"));
        var smtp = new FakeHopProber()
            .On("198.51.100.25", MxHopOutcome.ConnectTimeout)
            .On("198.51.100.26", MxHopOutcome.ConnectTimeout)
            .On("198.51.100.27", MxHopOutcome.ConnectTimeout)
            .Port("198.51.100.26", 587, PortCheckOutcome.Refused);

        var r = await Run(dns, smtp, "blocked.test");

        var blocked = Single(r, FindingCodes.LocalPort25Blocked);
        Assert.Equal(587, blocked.Evidence["ControlPort"]);
        Assert.Equal("Refused", blocked.Evidence["ControlOutcome"]);
        Assert.Equal("198.51.100.26", blocked.Evidence["ControlAddress"]);
        Assert.Contains("blocked", r.Summary);
        Single(r, FindingCodes.AllHopsFailed);

        // Two addresses, each on the two control ports; never the mail port itself.
        Assert.Equal(4, smtp.PortChecks.Count);
        Assert.DoesNotContain(smtp.PortChecks, c => c.Port == 25);
    }

    [Fact]
    public async Task A_host_silent_on_every_port_is_not_a_local_block()
    {
        var dns = new FakeMxResolver().AddMx("dead.test", Target(10, "mx.dead.test", "198.51.100.33", "2001:db8:5::33"));
        var smtp = new FakeHopProber().On("198.51.100.33", MxHopOutcome.ConnectTimeout).On("2001:db8:5::33", MxHopOutcome.ConnectTimeout);

        var r = await Run(dns, smtp, "dead.test");

        None(r, FindingCodes.LocalPort25Blocked);
        Assert.Contains("firewall", Single(r, FindingCodes.AllHopsFailed).Recommendation);
        Assert.Equal(4, smtp.PortChecks.Count);
    }

    [Fact]
    public async Task A_null_MX_is_not_walked()
    {
        var dns = new FakeMxResolver().Add("nullmx.test", new MxPathResolution { Source = MxPathSource.NullMx });
        var smtp = new FakeHopProber();

        var r = await Run(dns, smtp, "nullmx.test");

        Assert.Equal(MxPathSource.NullMx, r.MxSource);
        Assert.False(r.Reachable);
        Assert.Empty(r.Hops);
        Assert.Empty(smtp.Probes);
        Assert.Equal(FindingSeverity.Warning, Single(r, FindingCodes.NullMx).Severity);
        None(r, FindingCodes.AllHopsFailed);
        Assert.Contains("null MX", r.Summary);
    }

    [Fact]
    public async Task An_implicit_MX_is_walked_and_reported()
    {
        var dns = new FakeMxResolver().Add("implicit.test", new MxPathResolution { Source = MxPathSource.ImplicitMx, Targets = new[] { Target(0, "implicit.test", Mx1v4, Mx1v6) } });

        var r = await Run(dns, new FakeHopProber(), "implicit.test");

        Assert.Equal(MxPathSource.ImplicitMx, r.MxSource);
        Assert.True(r.Reachable);
        Assert.Equal("implicit.test", r.SelectedHop!.Exchange);
        var f = Single(r, FindingCodes.ImplicitMx);
        Assert.Equal(FindingSeverity.Info, f.Severity);
        Assert.False(string.IsNullOrEmpty(f.Recommendation));
    }

    [Fact]
    public async Task NXDOMAIN_is_NoMailDomain_with_the_DNS_error()
    {
        var r = await Run(new FakeMxResolver(), new FakeHopProber(), "nosuch.test");

        Assert.Equal(MxPathSource.NoMailDomain, r.MxSource);
        var f = Single(r, FindingCodes.DnsLookupFailed);
        Assert.Equal("NameError", f.Evidence["Error"]);
        Assert.Equal("198.51.100.56", f.Evidence["Server"]);
        Assert.Contains("NXDOMAIN", r.Summary);
    }

    [Fact]
    public async Task A_domain_without_MX_or_address_has_nowhere_to_deliver()
    {
        var dns = new FakeMxResolver().Add("empty.test", new MxPathResolution { Source = MxPathSource.NoMailDomain });

        var r = await Run(dns, new FakeHopProber(), "empty.test");

        Assert.Equal(FindingSeverity.Error, Single(r, FindingCodes.MxTargetHasNoAddress).Severity);
        Assert.Contains("neither MX nor address", r.Summary);
    }

    [Theory]
    [InlineData(MxDnsErrorKind.Timeout, null, "Test-EdnsReachability")]
    [InlineData(MxDnsErrorKind.Truncated, null, "Test-EdnsReachability")]
    [InlineData(MxDnsErrorKind.ServerFailure, 2400, "Test-EdnsReachability")]
    [InlineData(MxDnsErrorKind.ServerFailure, null, "DNSSEC")]
    [InlineData(MxDnsErrorKind.NetworkError, null, "Get-DnsClientServerAddress")]
    public async Task A_failed_MX_lookup_is_DnsLookupFailed_and_points_to_the_right_test(MxDnsErrorKind kind, int? bytes, string pointer)
    {
        var error = new MxDnsError { Name = "big.test", RecordType = "MX", Kind = kind, Message = "scripted", Server = "198.51.100.56", ResponseBytes = bytes };
        var dns = new FakeMxResolver().Add("big.test", new MxPathResolution { Source = MxPathSource.Unresolved, Error = error, DnsServer = "198.51.100.56" });

        var r = await Run(dns, new FakeHopProber(), "big.test");

        Assert.Equal(MxPathSource.Unresolved, r.MxSource);
        Assert.False(r.Reachable);
        var f = Single(r, FindingCodes.DnsLookupFailed);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains(pointer, f.Recommendation);
        Assert.Equal(kind.ToString(), f.Evidence["Error"]);
        if (bytes is not null)
        {
            Assert.Equal(bytes, f.Evidence["ResponseBytes"]);
        }

        Assert.Contains("MX lookup for big.test failed", r.Summary);
    }

    [Fact]
    public async Task An_MX_pointing_at_a_CNAME_is_flagged_and_still_walked()
    {
        var target = new MxPathTarget { Preference = 10, Exchange = "alias.cname.test", CanonicalName = "mx1.cname.test", IPv4Addresses = new[] { IPAddress.Parse(Mx1v4) } };
        var dns = new FakeMxResolver().AddMx("cname.test", target);

        var r = await Run(dns, new FakeHopProber(), "cname.test");

        Assert.True(r.Reachable);
        Assert.Equal("mx1.cname.test", r.SelectedHop!.CanonicalName);
        var f = Single(r, FindingCodes.MxPointsToCname);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("mx1.cname.test", f.Evidence["CanonicalName"]);
        Assert.Equal("mx1.cname.test", r.MxRecords[0].CanonicalName);
    }

    [Fact]
    public async Task An_MX_written_as_an_address_is_skipped_like_a_sender_would()
    {
        var literal = new MxPathTarget { Preference = 10, Exchange = "198.51.100.25", IsAddressLiteral = true, IPv4Addresses = Array.Empty<IPAddress>() };
        var dns = new FakeMxResolver().AddMx("literal.test", literal, Target(20, "mx2.literal.test", "198.51.100.28"));
        var smtp = new FakeHopProber();

        var r = await Run(dns, smtp, "literal.test");

        Assert.Equal(FindingSeverity.Error, Single(r, FindingCodes.MxPointsToAddressLiteral).Severity);
        Assert.Equal("mx2.literal.test", Assert.Single(r.Hops).Exchange);
        Assert.Equal("198.51.100.28", Assert.Single(smtp.Probes).Address);
        Assert.Contains("IP address", r.MxRecords[0].Problem);
    }

    [Fact]
    public async Task An_MX_host_without_addresses_is_skipped_and_reported()
    {
        var dns = new FakeMxResolver().AddMx("noaddr.test", Target(10, "gone.noaddr.test"), Target(20, "mx2.noaddr.test", "198.51.100.28"));

        var r = await Run(dns, new FakeHopProber(), "noaddr.test");

        var f = Single(r, FindingCodes.MxTargetHasNoAddress);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("gone.noaddr.test", f.Evidence["Exchange"]);
        Assert.True(r.Reachable);
        Assert.Equal("no A or AAAA record", r.MxRecords[0].Problem);
    }

    [Fact]
    public async Task When_no_MX_host_has_an_address_nothing_is_walked()
    {
        var dns = new FakeMxResolver().AddMx("allgone.test", Target(10, "gone.allgone.test"));

        var r = await Run(dns, new FakeHopProber(), "allgone.test");

        Assert.Empty(r.Hops);
        Assert.False(r.Reachable);
        Assert.Equal(FindingSeverity.Error, Single(r, FindingCodes.MxTargetHasNoAddress).Severity);
        None(r, FindingCodes.AllHopsFailed);
        Assert.Contains("usable address", r.Summary);
    }

    [Fact]
    public async Task A_failed_address_lookup_of_an_MX_host_is_DnsLookupFailed()
    {
        var target = new MxPathTarget
        {
            Preference = 10,
            Exchange = "mx.servfail.test",
            IPv6Addresses = new[] { IPAddress.Parse(Mx1v6) },
            IPv4Error = new MxDnsError { Name = "mx.servfail.test", RecordType = "A", Kind = MxDnsErrorKind.Timeout, Message = "no answer" },
        };
        var dns = new FakeMxResolver().AddMx("servfail.test", target);

        var r = await Run(dns, new FakeHopProber(), "servfail.test");

        var f = Single(r, FindingCodes.DnsLookupFailed);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("A", f.Evidence["RecordType"]);
        Assert.Contains("Test-EdnsReachability", f.Recommendation);
        Assert.True(r.Reachable);
    }

    [Fact]
    public async Task An_IPv6_only_MX_is_reported_and_unusable_over_IPv4()
    {
        var dns = new FakeMxResolver().AddMx("v6only.test", Target(10, "v6host.v6only.test", "2001:db8:5::40"));

        var any = await Run(dns, new FakeHopProber(), "v6only.test");
        Assert.True(any.Reachable);
        Assert.Equal("2001:db8:5::40", any.SelectedHop!.Address);
        Assert.Equal(FindingSeverity.Warning, Single(any, FindingCodes.MxIpv6Only).Severity);

        var v4 = await Run(dns, new FakeHopProber(), "v6only.test", Fast with { AddressFamily = MxAddressFamily.IPv4 });
        Assert.False(v4.Reachable);
        Assert.Empty(v4.Hops);
        var f = Single(v4, FindingCodes.MxTargetHasNoAddress);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("IPv4", f.Evidence["AddressFamily"]);
        Assert.Equal("no IPv4 address (only IPv6)", v4.MxRecords[0].Problem);
        Single(v4, FindingCodes.MxIpv6Only);
    }

    [Fact]
    public async Task IPv6_failing_where_IPv4_to_the_same_host_works_is_Ipv6PathBroken()
    {
        var dns = new FakeMxResolver().AddMx("v6broken.test", Target(10, "mx.v6broken.test", Mx1v4, Mx1v6));
        var smtp = new FakeHopProber().On(Mx1v6, MxHopOutcome.ConnectTimeout, delayMs: 10);

        var r = await Run(dns, smtp, "v6broken.test");

        Assert.Equal(Mx1v4, r.SelectedHop!.Address);
        var f = Single(r, FindingCodes.Ipv6PathBroken);
        Assert.Contains(Mx1v6, (string)f.Evidence["FailedIPv6"]);
        Assert.Equal(Mx1v4, f.Evidence["WorkingIPv4"]);

        // One host's two families are not a down primary.
        None(r, FindingCodes.PrimaryDownSecondaryUp);
    }

    [Fact]
    public async Task No_route_over_IPv6_anywhere_while_IPv4_works_is_Ipv6PathBroken()
    {
        var dns = new FakeMxResolver().AddMx("noroute.test", Target(10, "a.noroute.test", "2001:db8:5::1"), Target(20, "b.noroute.test", "198.51.100.2"));
        var smtp = new FakeHopProber().On("2001:db8:5::1", MxHopOutcome.Unreachable);

        var r = await Run(dns, smtp, "noroute.test");

        Assert.Contains("IPv6 connectivity", Single(r, FindingCodes.Ipv6PathBroken).Recommendation);
    }

    [Fact]
    public async Task A_host_down_on_both_families_is_not_an_IPv6_problem()
    {
        var dns = new FakeMxResolver().AddMx("both.test", Target(10, "a.both.test", Silent4, Silent6), Target(20, "b.both.test", Mx1v4));
        var smtp = new FakeHopProber().On(Silent4, MxHopOutcome.NoBanner).On(Silent6, MxHopOutcome.NoBanner);

        var r = await Run(dns, smtp, "both.test");

        None(r, FindingCodes.Ipv6PathBroken);
        Single(r, FindingCodes.PrimaryDownSecondaryUp);
    }

    [Fact]
    public async Task A_masked_banner_is_BannerMasked()
    {
        var dns = new FakeMxResolver().AddMx("masked.test", Target(10, "fixup.masked.test", "198.51.100.31"));
        var smtp = new FakeHopProber().On("198.51.100.31", MxHopOutcome.Ok, banner: "220 *********** ***** ************* *** **0");

        var r = await Run(dns, smtp, "masked.test");

        Assert.True(r.Reachable);
        Assert.True(r.SelectedHop!.BannerMasked);
        var f = Single(r, FindingCodes.BannerMasked);
        Assert.Equal("220 *********** ***** ************* *** **0", f.Evidence["Banner"]);
        Assert.Contains("fixup", f.Recommendation);
    }

    [Theory]
    [InlineData("220 *********** ***** ************* *** **0", true)]
    [InlineData("220 ****************************************2002*******2***0*", true)]
    [InlineData("220-***** ** *", true)]
    [InlineData("220 mx.lab.test ESMTP MailFlowTools lab 1.0", false)]
    [InlineData("220 2020", false)]
    [InlineData("220 ** 20", false)]
    [InlineData("220", false)]
    [InlineData(null, false)]
    public void Masked_banners_are_recognised(string? banner, bool masked) =>
        Assert.Equal(masked, banner is { Length: > 4 } && BannerInspector.IsMasked(banner.Substring(4)));

    [Fact]
    public async Task A_permanent_recipient_refusal_ends_the_walk_without_failover()
    {
        var dns = new FakeMxResolver().AddMx("rcpt.test", Target(10, "mx1.rcpt.test", Mx1v4), Target(20, "mx2.rcpt.test", "198.51.100.28"));
        var smtp = new FakeHopProber().On(Mx1v4, MxHopOutcome.RecipientRejected, replyCode: 550, replyText: "5.1.1 <unknown@rcpt.test>: User unknown");

        var r = await Run(dns, smtp, "rcpt.test", Fast with { Recipient = "unknown" });

        Assert.Equal("unknown@rcpt.test", smtp.Probes[0].Request.Recipient);
        Assert.False(r.Reachable);
        Assert.Equal("mx1.rcpt.test", r.SelectedHop!.Exchange);
        Assert.Equal(MxHopOutcome.NotTried, r.Hops[1].Outcome);
        Assert.Single(smtp.Probes);
        var f = Single(r, FindingCodes.RecipientRejected);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal(550, f.Evidence["ReplyCode"]);
        None(r, FindingCodes.AllHopsFailed);
        Assert.Contains("permanently refuses unknown@rcpt.test", r.Summary);
    }

    [Fact]
    public async Task A_temporary_recipient_refusal_moves_on_to_the_next_MX()
    {
        var dns = new FakeMxResolver().AddMx("grey.test", Target(10, "mx1.grey.test", Mx1v4), Target(20, "mx2.grey.test", "198.51.100.28"));
        var smtp = new FakeHopProber().On(Mx1v4, MxHopOutcome.RecipientRejected, replyCode: 451, replyText: "4.7.1 greylisted");

        var r = await Run(dns, smtp, "grey.test", Fast with { Recipient = "user@grey.test" });

        Assert.True(r.Reachable);
        Assert.Equal("mx2.grey.test", r.SelectedHop!.Exchange);
        Assert.Equal("user@grey.test", smtp.Probes[1].Request.Recipient);
        Assert.Equal(FindingSeverity.Warning, Single(r, FindingCodes.RecipientRejected).Severity);
    }

    [Fact]
    public async Task A_failed_STARTTLS_moves_on_and_is_reported()
    {
        var dns = new FakeMxResolver().AddMx("tls.test", Target(10, "mx1.tls.test", Mx1v4), Target(20, "mx2.tls.test", "198.51.100.28"));
        var smtp = new FakeHopProber().On(Mx1v4, MxHopOutcome.TlsFailed, startTls: true, tls: false);

        var r = await Run(dns, smtp, "tls.test");

        Assert.Equal("mx2.tls.test", r.SelectedHop!.Exchange);
        Assert.Equal(true, r.Hops[0].StartTlsOffered);
        Assert.Equal(false, r.Hops[0].TlsEstablished);
        Single(r, FindingCodes.StartTlsFailed);
        Single(r, FindingCodes.PrimaryDownSecondaryUp);
    }

    [Fact]
    public async Task Equal_preference_failure_is_described_as_such()
    {
        var dns = new FakeMxResolver().AddMx("eqfail.test", Target(10, "a.eqfail.test", "198.51.100.32"), Target(10, "b.eqfail.test", Mx1v4));
        var smtp = new FakeHopProber().On("198.51.100.32", MxHopOutcome.ConnectRefused);

        var r = await Run(dns, smtp, "eqfail.test");

        Assert.Contains("equal-preference", Single(r, FindingCodes.PrimaryDownSecondaryUp).Message);
    }

    [Fact]
    public async Task Only_MaxHops_addresses_are_walked()
    {
        var targets = Enumerable.Range(1, 5).Select(i => Target(i, "mx" + i + ".many.test", "198.51.100." + i)).ToArray();
        var dns = new FakeMxResolver().AddMx("many.test", targets);
        var smtp = new FakeHopProber();
        foreach (var i in Enumerable.Range(1, 5))
        {
            smtp.On("198.51.100." + i, MxHopOutcome.ConnectRefused);
        }

        var r = await Run(dns, smtp, "many.test", Fast with { MaxHops = 3 });

        Assert.Equal(3, smtp.Probes.Count);
        Assert.Equal(5, r.Hops.Length);
        Assert.All(r.Hops.Skip(3), h => Assert.Equal(MxHopOutcome.NotTried, h.Outcome));
        Assert.Contains("first 3 addresses", r.Hops[4].Detail);
        Assert.Equal(3, Single(r, FindingCodes.AllHopsFailed).Evidence["Tried"]);
    }

    [Fact]
    public async Task Probe_requests_carry_the_timeouts_port_and_host_name()
    {
        var dns = new FakeMxResolver().AddMx("req.test", Target(10, "mx1.req.test", Mx1v4));
        var smtp = new FakeHopProber();

        await Run(dns, smtp, "req.test", Fast with { Port = 2525, ConnectTimeout = TimeSpan.FromSeconds(3), BannerTimeout = TimeSpan.FromSeconds(7) });

        var request = Assert.Single(smtp.Probes).Request;
        Assert.Equal(2525, request.Port);
        Assert.Equal("mx1.req.test", request.Exchange);
        Assert.Equal(TimeSpan.FromSeconds(3), request.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), request.BannerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), request.CommandTimeout);
        Assert.Null(request.Recipient);
        Assert.Equal("req.test#1", request.SessionId);
    }

    [Fact]
    public async Task Cancellation_stops_the_walk()
    {
        var dns = new FakeMxResolver().AddMx("cancel.test", Target(10, "mx1.cancel.test", Silent4));
        var smtp = new FakeHopProber().On(Silent4, MxHopOutcome.NoBanner, delayMs: 10_000);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var engine = new MxPathEngine(dns, smtp);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.TestAsync("cancel.test", Fast, cts.Token));
        Assert.True(smtp.Probes[0].Cancelled);
    }

    [Theory]
    [InlineData(0, 10, 10, 1)]
    [InlineData(65536, 10, 10, 1)]
    [InlineData(25, 0, 10, 1)]
    [InlineData(25, 10, 601, 1)]
    [InlineData(25, 10, 10, 0)]
    [InlineData(25, 10, 10, 257)]
    public void Out_of_range_options_are_invalid_invocations(int port, double connect, double banner, int throttle)
    {
        var options = new MxPathOptions { Port = port, ConnectTimeout = TimeSpan.FromSeconds(connect), BannerTimeout = TimeSpan.FromSeconds(banner), ThrottleLimit = throttle };
        var ex = Assert.Throws<MailFlowException>(() => MxPathEngine.Validate(options));
        Assert.True(ex.IsInvalidInvocation);
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
    }
}
