using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.TlsPolicy;
using MailFlowTools.Tests.MxPath;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>The walk with a TLS policy source: every hop is probed when a policy applies, and none of it without one.</summary>
public sealed class TlsPolicyEngineTests
{
    [Fact]
    public async Task An_enforced_policy_makes_the_walk_probe_every_hop_and_say_where_each_sender_goes()
    {
        var dns = new FakeMxResolver().AddMx("example.test", FakeMxResolver.Target(10, "mx1.example.test", "198.51.100.10"), FakeMxResolver.Target(20, "mx2.example.test", "198.51.100.11"));
        var smtp = new FakeHopProber().On("198.51.100.10", MxHopOutcome.Ok, startTls: true, tls: true).On("198.51.100.11", MxHopOutcome.Ok, startTls: true, tls: true);
        var source = new FixedSource(new TlsPolicyDiscovery
        {
            MtaSts = new MtaStsResult { Status = MtaStsStatus.Valid, Mode = MtaStsMode.Enforce, RecordId = "1", Mx = new[] { "mx2.example.test" } },
            Policy = new MtaStsPolicy(MtaStsMode.Enforce, new[] { "mx2.example.test" }, 86400),
        });
        var engine = new MxPathEngine(dns, smtp, null, source);

        var r = await engine.TestAsync("example.test", new MxPathOptions(), CancellationToken.None);

        Assert.Equal(2, smtp.Probes.Count);
        Assert.Equal("mx1.example.test", r.TlsPolicy!.PlainSender.Exchange);
        Assert.False(r.TlsPolicy.MtaStsSender.Delivers);
        Assert.Contains(r.Findings, f => f.Code == "MtaStsPolicyExcludesMx");
        Assert.Contains("An MTA-STS sender does not deliver", r.Summary);
        Assert.Equal(new[] { "mx1.example.test", "mx2.example.test" }, source.Seen.Single());
    }

    [Fact]
    public async Task Without_a_policy_the_walk_stops_at_the_first_hop_and_skip_leaves_the_checks_out()
    {
        var dns = new FakeMxResolver().AddMx("example.test", FakeMxResolver.Target(10, "mx1.example.test", "198.51.100.10"), FakeMxResolver.Target(20, "mx2.example.test", "198.51.100.11"));
        var smtp = new FakeHopProber().On("198.51.100.10", MxHopOutcome.Ok, startTls: true, tls: true);
        var source = new FixedSource(new TlsPolicyDiscovery { MtaSts = new MtaStsResult { Status = MtaStsStatus.NotPublished } });

        var r = await new MxPathEngine(dns, smtp, null, source).TestAsync("example.test", new MxPathOptions(), CancellationToken.None);
        Assert.Single(smtp.Probes);
        Assert.True(r.TlsPolicy!.MtaStsSender.Delivers);
        Assert.Equal("no MTA-STS policy", r.TlsPolicy.MtaStsSender.Policy);

        var skipped = await new MxPathEngine(dns, new FakeHopProber().On("198.51.100.10", MxHopOutcome.Ok), null, source).TestAsync("example.test", new MxPathOptions { TlsPolicy = null }, CancellationToken.None);
        Assert.Null(skipped.TlsPolicy);
    }

    private sealed class FixedSource : ITlsPolicySource
    {
        private readonly TlsPolicyDiscovery _discovery;

        public FixedSource(TlsPolicyDiscovery discovery) => _discovery = discovery;

        public List<IReadOnlyList<string>> Seen { get; } = new();

        public Task<TlsPolicyDiscovery> DiscoverAsync(string domain, IReadOnlyList<string> exchanges, TlsPolicyOptions options, CancellationToken cancellationToken)
        {
            Seen.Add(exchanges);
            return Task.FromResult(_discovery);
        }
    }
}
