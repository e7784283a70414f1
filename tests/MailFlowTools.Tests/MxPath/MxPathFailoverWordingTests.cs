using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// Test-MxPath's wording where the MX mutation run found it untested: a failover to an equal-preference host reads
/// differently from a failover to a backup, and a refusal with reply code 500 is already permanent.
/// </summary>
public class MxPathFailoverWordingTests
{
    private static readonly MxPathOptions Fast = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        BannerTimeout = TimeSpan.FromSeconds(1),
        StaggerDelay = TimeSpan.FromMilliseconds(40),
    };

    [Theory]
    [InlineData(10, "Mail reaches mx2.fo.test only after an equal-preference MX host failed: mx1.fo.test (preference 10): connection refused.")]
    [InlineData(20, "The preferred MX host fails and mail only gets in through the backup mx2.fo.test (preference 20): mx1.fo.test (preference 10): connection refused.")]
    public async Task AFailoverSaysWhetherItReachedAnEqualPreferenceHostOrTheBackup(int secondPreference, string message)
    {
        var dns = new FakeMxResolver().AddMx("fo.test", Target(10, "mx1.fo.test", "198.51.100.25"), Target(secondPreference, "mx2.fo.test", "198.51.100.28"));
        var smtp = new FakeHopProber().On("198.51.100.25", MxHopOutcome.ConnectRefused);

        var r = await Run(dns, smtp, "fo.test", Fast);

        Assert.Equal(message, Assert.Single(r.Findings, f => f.Code == FindingCodes.PrimaryDownSecondaryUp).Message);
    }

    [Fact]
    public async Task ARefusalWithCode500IsPermanent()
    {
        var dns = new FakeMxResolver().AddMx("rcpt500.test", Target(10, "mx1.rcpt500.test", "198.51.100.25"));
        var smtp = new FakeHopProber().On("198.51.100.25", MxHopOutcome.RecipientRejected, replyCode: 500, replyText: "5.5.2 Error: command not recognized");

        var r = await Run(dns, smtp, "rcpt500.test", Fast with { Recipient = "user" });

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.RecipientRejected);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.StartsWith("mx1.rcpt500.test [198.51.100.25] refused user@rcpt500.test: 500 5.5.2 Error: command not recognized. The refusal is permanent", f.Message, StringComparison.Ordinal);
        Assert.Equal("user@rcpt500.test", f.Evidence["Recipient"]);
    }

    [Fact]
    public async Task BrokenIpv6ToOneHostNamesTheHostAndTheFailedAddress()
    {
        var dns = new FakeMxResolver().AddMx("v6.test", Target(10, "mx1.v6.test", "198.51.100.25", "2001:db8:5::25"));
        var smtp = new FakeHopProber().On("2001:db8:5::25", MxHopOutcome.ConnectTimeout, delayMs: 10);

        var r = await Run(dns, smtp, "v6.test", Fast);

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.Ipv6PathBroken);
        Assert.Equal("IPv6 to mx1.v6.test fails (2001:db8:5::25 no answer to connect) where IPv4 to the same host works: IPv6-preferring senders lose time on every message, and IPv6-only senders cannot deliver.", f.Message);
        Assert.StartsWith("Fix IPv6 routing or filtering towards mx1.v6.test", f.Recommendation, StringComparison.Ordinal);
        Assert.Equal(("mx1.v6.test", "2001:db8:5::25 ConnectTimeout"), ((string)f.Evidence["Exchanges"], (string)f.Evidence["FailedIPv6"]));
    }

    [Theory]
    [InlineData(true, "does not exist (NXDOMAIN)", "NXDOMAIN")]
    [InlineData(false, "has no A or AAAA record", "no data")]
    public async Task AnMxHostWithoutAddressSaysWhetherItExistsAtAll(bool nxDomain, string words, string lookup)
    {
        // NXDOMAIN comes back as a name error for both lookups; a name without addresses as no error and no records.
        var ghost = new MxPathTarget
        {
            Preference = 10,
            Exchange = "ghost.nx.test",
            IPv4Error = nxDomain ? new MxDnsError { Name = "ghost.nx.test", RecordType = "A", Kind = MxDnsErrorKind.NameError } : null,
            IPv6Error = nxDomain ? new MxDnsError { Name = "ghost.nx.test", RecordType = "AAAA", Kind = MxDnsErrorKind.NameError } : null,
        };
        var dns = new FakeMxResolver().AddMx("nx.test", ghost, Target(20, "mx2.nx.test", "198.51.100.28"));

        var r = await Run(dns, new FakeHopProber(), "nx.test", Fast);

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.MxTargetHasNoAddress);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal($"The MX host ghost.nx.test (preference 10) {words}, so senders skip it.", f.Message);
        Assert.Equal(lookup, f.Evidence["Lookup"]);
    }

    // On the thread pool, as the cmdlet and the CLI run it.
    private static Task<MxPathResult> Run(FakeMxResolver dns, FakeHopProber smtp, string domain, MxPathOptions options) =>
        Task.Run(() => new MxPathEngine(dns, smtp).TestAsync(domain, options, CancellationToken.None));
}
