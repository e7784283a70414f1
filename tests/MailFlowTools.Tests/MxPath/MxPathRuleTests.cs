using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.TlsPolicy;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// Test-MxPath rules the MX mutation run found unpinned: how much a failed address lookup of one family matters,
/// the summary's counts of failed hops and addresses, singular and plural, and the sentence a TLS policy adds to it.
/// </summary>
public class MxPathRuleTests
{
    private static readonly MxPathOptions Fast = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        BannerTimeout = TimeSpan.FromSeconds(1),
        StaggerDelay = TimeSpan.FromMilliseconds(40),
    };

    [Fact]
    public async Task A_failed_AAAA_lookup_beside_working_IPv4_is_a_warning_and_says_the_other_addresses_work()
    {
        var mx = new MxPathTarget
        {
            Preference = 10,
            Exchange = "mx1.dnsfail.test",
            IPv4Addresses = Target(10, "mx1.dnsfail.test", "198.51.100.25").IPv4Addresses,
            IPv6Error = new MxDnsError { Name = "mx1.dnsfail.test", RecordType = "AAAA", Kind = MxDnsErrorKind.ServerFailure },
        };
        var r = await Run(new FakeMxResolver().AddMx("dnsfail.test", mx), new FakeHopProber(), "dnsfail.test");

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.DnsLookupFailed);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.EndsWith("Its other addresses still work.", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_lookups_of_both_families_are_an_error_the_sender_cannot_get_past()
    {
        var dead = new MxPathTarget
        {
            Preference = 10,
            Exchange = "mx1.dnsfail.test",
            IPv4Error = new MxDnsError { Name = "mx1.dnsfail.test", RecordType = "A", Kind = MxDnsErrorKind.Timeout },
            IPv6Error = new MxDnsError { Name = "mx1.dnsfail.test", RecordType = "AAAA", Kind = MxDnsErrorKind.Timeout },
        };
        var r = await Run(new FakeMxResolver().AddMx("dnsfail.test", dead, Target(20, "mx2.dnsfail.test", "198.51.100.28")), new FakeHopProber(), "dnsfail.test");

        Assert.Equal(2, CountOf(r, FindingCodes.DnsLookupFailed));
        Assert.All(r.Findings.Where(f => f.Code == FindingCodes.DnsLookupFailed), f =>
        {
            Assert.Equal(FindingSeverity.Error, f.Severity);
            Assert.EndsWith("A sender cannot reach this MX host.", f.Message, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData(1, "after 1 failed hop (first: mx1.pl.test [198.51.100.25], connection refused).")]
    [InlineData(2, "after 2 failed hops (first: mx1.pl.test [198.51.100.25], connection refused).")]
    public async Task The_summary_counts_the_failed_hops_before_the_one_that_took_the_mail(int failed, string ending)
    {
        var dns = new FakeMxResolver().AddMx("pl.test",
            Target(10, "mx1.pl.test", "198.51.100.25"), Target(20, "mx2.pl.test", "198.51.100.26"), Target(30, "mx3.pl.test", "198.51.100.28"));
        var smtp = new FakeHopProber().On("198.51.100.25", MxHopOutcome.ConnectRefused);
        if (failed > 1)
        {
            smtp.On("198.51.100.26", MxHopOutcome.ConnectRefused);
        }

        var r = await Run(dns, smtp, "pl.test");

        Assert.EndsWith(ending, r.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_of_one_failed_address_is_singular()
    {
        var dns = new FakeMxResolver().AddMx("one.test", Target(10, "mx1.one.test", "198.51.100.25"));
        var smtp = new FakeHopProber().On("198.51.100.25", MxHopOutcome.ConnectRefused);

        var r = await Run(dns, smtp, "one.test");

        Assert.Equal("None of the 1 MX address of one.test accepted a session (connection refused), so senders queue the mail until it expires.", r.Summary);
    }

    [Fact]
    public async Task A_policy_sender_that_would_not_deliver_is_added_to_the_plain_sender_s_summary()
    {
        var dns = new FakeMxResolver().AddMx("pol.test", Target(10, "mx1.pol.test", "198.51.100.10"), Target(20, "mx2.pol.test", "198.51.100.11"));
        var smtp = new FakeHopProber().On("198.51.100.10", MxHopOutcome.Ok, startTls: true, tls: true).On("198.51.100.11", MxHopOutcome.Ok, startTls: true, tls: true);
        var enforce = new TlsPolicyDiscovery
        {
            MtaSts = new MtaStsResult { Status = MtaStsStatus.Valid, Mode = MtaStsMode.Enforce, RecordId = "1", Mx = new[] { "mx2.pol.test" } },
            Policy = new MtaStsPolicy(MtaStsMode.Enforce, new[] { "mx2.pol.test" }, 86400),
        };

        var r = await Task.Run(() => new MxPathEngine(dns, smtp, null, new FixedPolicy(enforce)).TestAsync("pol.test", Fast, CancellationToken.None));
        var skipped = await Task.Run(() => new MxPathEngine(dns, smtp, null, new FixedPolicy(enforce)).TestAsync("pol.test", Fast with { TlsPolicy = null }, CancellationToken.None));

        const string Plain = "Mail for pol.test gets in at the first hop, mx1.pol.test [198.51.100.10] (preference 10).";
        Assert.StartsWith(Plain + " An MTA-STS sender does not deliver (", r.Summary, StringComparison.Ordinal);
        Assert.All(r.Hops, h => Assert.NotNull(h.Tls));
        Assert.Equal(Plain, skipped.Summary);
        Assert.All(skipped.Hops, h => Assert.Null(h.Tls));
    }

    private static int CountOf(MxPathResult r, string code) => r.Findings.Count(f => f.Code == code);

    // On the thread pool, as the cmdlet and the CLI run it.
    private static Task<MxPathResult> Run(FakeMxResolver dns, FakeHopProber smtp, string domain) =>
        Task.Run(() => new MxPathEngine(dns, smtp).TestAsync(domain, Fast, CancellationToken.None));

    private sealed class FixedPolicy : ITlsPolicySource
    {
        private readonly TlsPolicyDiscovery _discovery;

        public FixedPolicy(TlsPolicyDiscovery discovery) => _discovery = discovery;

        public Task<TlsPolicyDiscovery> DiscoverAsync(string domain, IReadOnlyList<string> exchanges, TlsPolicyOptions options, CancellationToken cancellationToken) => Task.FromResult(_discovery);
    }
}
