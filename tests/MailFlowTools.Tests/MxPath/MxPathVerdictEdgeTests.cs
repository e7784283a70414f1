using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;
using static MailFlowTools.Tests.MxPath.ScriptedWalk;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// Test-MxPath verdicts the second MX mutation run still found unpinned: walks with every hop probed (-AllHops),
/// failovers past hosts of different preferences, a v4-only host beside a v6-only one, an unresolved MX lookup
/// without a DNS error, the summary of a blocked port, and the words for each hop outcome.
/// </summary>
public class MxPathVerdictEdgeTests
{
    private static readonly MxPathOptions Options = new();

    [Fact]
    public void Every_hop_outcome_has_its_own_plain_words()
    {
        var words = Enum.GetValues(typeof(MxHopOutcome)).Cast<MxHopOutcome>().Select(MxPathAnalyzer.Describe).ToList();

        Assert.All(words, w => Assert.False(string.IsNullOrWhiteSpace(w)));
        Assert.Equal(words.Count, words.Distinct().Count());
    }

    [Fact]
    public void The_summary_of_an_unreachable_MX_set_lists_each_way_the_hops_failed_once()
    {
        var targets = new[] { Target(10, "a.sum.test", "198.51.100.1"), Target(20, "b.sum.test", "198.51.100.2"), Target(30, "c.sum.test", "198.51.100.3") };

        var r = Analyze("sum.test", targets, Options, ("198.51.100.1", Hop(MxHopOutcome.ConnectRefused)), ("198.51.100.2", Hop(MxHopOutcome.ConnectTimeout)), ("198.51.100.3", Hop(MxHopOutcome.ConnectRefused)));

        var refused = MxPathAnalyzer.Describe(MxHopOutcome.ConnectRefused);
        var timeout = MxPathAnalyzer.Describe(MxHopOutcome.ConnectTimeout);
        Assert.Contains($"None of the 3 MX addresses of sum.test accepted a session ({refused}, {timeout})", r.Summary);
    }

    [Fact]
    public void A_blocked_port_25_is_what_the_summary_says()
    {
        var targets = new[] { Target(10, "mx1.sum.test", "198.51.100.1") };
        var checks = new[] { new PortControlCheck("198.51.100.1", 443, PortCheckOutcome.Connected, 2) };

        var r = Analyze("sum.test", targets, Options, checks, ("198.51.100.1", Hop(MxHopOutcome.ConnectTimeout)));

        Assert.Contains("outbound port 25 looks blocked from here", r.Summary);
        Assert.DoesNotContain("None of the", r.Summary);
    }

    [Fact]
    public void With_every_hop_probed_a_failure_after_the_first_good_hop_does_not_count_against_it()
    {
        var targets = new[] { Target(10, "mx1.all.test", "198.51.100.1"), Target(20, "mx2.all.test", "198.51.100.2") };

        var r = Analyze("all.test", targets, Options with { AllHops = true }, ("198.51.100.1", Hop(MxHopOutcome.Ok)), ("198.51.100.2", Hop(MxHopOutcome.ConnectRefused)));

        Assert.Equal("Mail for all.test gets in at the first hop, mx1.all.test [198.51.100.1] (preference 10).", r.Summary);
        Assert.DoesNotContain(r.Findings, f => f.Code == FindingCodes.PrimaryDownSecondaryUp);
    }

    [Fact]
    public void A_healthy_dual_stack_host_probed_on_both_families_is_no_IPv6_problem()
    {
        var targets = new[] { Target(10, "mx1.ds.test", "198.51.100.1", "2001:db8:5::1") };

        var r = Analyze("ds.test", targets, Options with { AllHops = true }, ("2001:db8:5::1", Hop(MxHopOutcome.Ok)), ("198.51.100.1", Hop(MxHopOutcome.Ok)));

        Assert.DoesNotContain(r.Findings, f => f.Code == FindingCodes.Ipv6PathBroken);
    }

    [Fact]
    public void Broken_IPv6_to_one_host_names_that_host_only_and_only_IPv4_as_working()
    {
        var targets = new[] { Target(10, "mx1.v6.test", "198.51.100.1", "2001:db8:5::1"), Target(20, "mx2.v6.test", "2001:db8:5::2") };

        var r = Analyze(
            "v6.test",
            targets,
            Options with { AllHops = true },
            ("2001:db8:5::1", Hop(MxHopOutcome.ConnectTimeout)),
            ("198.51.100.1", Hop(MxHopOutcome.Ok)),
            ("2001:db8:5::2", Hop(MxHopOutcome.Ok)));

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.Ipv6PathBroken);
        Assert.Equal("mx1.v6.test", f.Evidence["Exchanges"]);
        Assert.Equal("2001:db8:5::1 ConnectTimeout", f.Evidence["FailedIPv6"]);
        Assert.Equal("198.51.100.1", f.Evidence["WorkingIPv4"]);
    }

    [Fact]
    public void A_failover_past_hosts_of_different_preferences_reads_as_a_backup_and_lists_each_failed_host()
    {
        var targets = new[] { Target(10, "mx1.fo.test", "198.51.100.1"), Target(20, "mx2.fo.test", "198.51.100.2"), Target(20, "mx3.fo.test", "198.51.100.3") };

        var r = Analyze("fo.test", targets, Options, ("198.51.100.1", Hop(MxHopOutcome.ConnectRefused)), ("198.51.100.2", Hop(MxHopOutcome.ConnectTimeout)), ("198.51.100.3", Hop(MxHopOutcome.Ok)));

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.PrimaryDownSecondaryUp);
        Assert.StartsWith("The preferred MX host fails", f.Message, StringComparison.Ordinal);
        Assert.Equal("mx1.fo.test, mx2.fo.test", f.Evidence["FailedExchanges"]);
        Assert.Equal(
            $"mx1.fo.test (preference 10): {MxPathAnalyzer.Describe(MxHopOutcome.ConnectRefused)}; mx2.fo.test (preference 20): {MxPathAnalyzer.Describe(MxHopOutcome.ConnectTimeout)}",
            f.Evidence["FailedOutcomes"]);
        Assert.Equal(("mx3.fo.test", "198.51.100.3", 20), ((string)f.Evidence["SelectedExchange"], (string)f.Evidence["SelectedAddress"], (int)f.Evidence["SelectedPreference"]));
        Assert.Contains("mx1.fo.test, mx2.fo.test", f.Recommendation);
    }

    [Fact]
    public void A_temporary_recipient_refusal_keeps_the_reply_in_its_evidence()
    {
        var greylisted = new HopProbeResult { Outcome = MxHopOutcome.RecipientRejected, ConnectMs = 1, BannerMs = 2, ReplyCode = 450, ReplyText = "4.2.0 Greylisted" };
        var targets = new[] { Target(10, "mx1.grey.test", "198.51.100.1"), Target(20, "mx2.grey.test", "198.51.100.2") };

        var r = Analyze("grey.test", targets, Options with { Recipient = "user@grey.test" }, ("198.51.100.1", greylisted), ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.RecipientRejected);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Contains("450 4.2.0 Greylisted", f.Message);
        Assert.Equal(("mx1.grey.test", "198.51.100.1", "user@grey.test"), ((string)f.Evidence["Exchange"], (string)f.Evidence["Address"], (string)f.Evidence["Recipient"]));
        Assert.Equal((450, "4.2.0 Greylisted"), ((int)f.Evidence["ReplyCode"], (string)f.Evidence["ReplyText"]));
    }

    [Fact]
    public void A_refusal_without_reply_text_keeps_empty_text_in_its_evidence()
    {
        var refused = new HopProbeResult { Outcome = MxHopOutcome.RecipientRejected, ConnectMs = 1, BannerMs = 2, ReplyCode = 451, Detail = "RCPT TO: closed" };

        var r = Analyze("grey.test", new[] { Target(10, "mx1.grey.test", "198.51.100.1") }, Options with { Recipient = "user@grey.test" }, ("198.51.100.1", refused));

        var f = Assert.Single(r.Findings, f => f.Code == FindingCodes.RecipientRejected);
        Assert.Equal(string.Empty, f.Evidence["ReplyText"]);
        Assert.Contains("451 RCPT TO: closed", f.Message);
    }

    [Fact]
    public void An_IPv4_only_host_beside_an_IPv6_only_one_means_the_MX_set_is_not_IPv6_only()
    {
        var targets = new[] { Target(10, "a.mix.test", "2001:db8:5::1"), Target(20, "b.mix.test", "198.51.100.2") };

        var r = Analyze("mix.test", targets, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Ok)));

        Assert.DoesNotContain(r.Findings, f => f.Code == FindingCodes.MxIpv6Only);
    }

    [Fact]
    public void An_MX_written_as_an_address_is_one_problem_not_also_a_host_without_addresses()
    {
        var literal = new MxPathTarget { Preference = 10, Exchange = "198.51.100.9", IsAddressLiteral = true };

        var r = Analyze("lit.test", new[] { literal, Target(20, "mx2.lit.test", "198.51.100.2") }, Options, ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        Assert.Single(r.Findings, f => f.Code == FindingCodes.MxPointsToAddressLiteral);
        Assert.DoesNotContain(r.Findings, f => f.Code == FindingCodes.MxTargetHasNoAddress);
    }

    [Fact]
    public void One_NXDOMAIN_answer_is_enough_to_say_the_MX_host_does_not_exist()
    {
        var ghost = new MxPathTarget { Preference = 10, Exchange = "ghost.nx.test", IPv4Error = new MxDnsError { Name = "ghost.nx.test", RecordType = "A", Kind = MxDnsErrorKind.NameError } };

        var r = Analyze("nx.test", new[] { ghost, Target(20, "mx2.nx.test", "198.51.100.2") }, Options, ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        Assert.Equal("NXDOMAIN", Assert.Single(r.Findings, f => f.Code == FindingCodes.MxTargetHasNoAddress).Evidence["Lookup"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_unresolved_MX_lookup_is_an_error_with_or_without_the_DNS_error_behind_it(bool withError)
    {
        var error = withError ? new MxDnsError { Name = "lost.test", RecordType = "MX", Kind = MxDnsErrorKind.ServerFailure, Message = "SERVFAIL from 198.51.100.56" } : null;
        var resolution = new MxPathResolution { Source = MxPathSource.Unresolved, Error = error, DnsServer = "198.51.100.56" };

        var r = MxPathAnalyzer.Analyze("lost.test", Options, resolution, new List<MxHopPlan>(), Array.Empty<HopProbeResult?>(), Array.Empty<PortControlCheck>(), 1);

        var f = Assert.Single(r.Findings);
        Assert.Equal((FindingCodes.DnsLookupFailed, FindingSeverity.Error), (f.Code, f.Severity));
        Assert.Equal("MX", f.Evidence["RecordType"]);
        Assert.Contains("lost.test", r.Summary);
        Assert.Contains("(" + (error is null ? "no answer" : MxPathFindings.DescribeDnsError(error)) + ")", r.Summary);
        Assert.False(r.Reachable);
    }

    [Fact]
    public void A_domain_with_neither_MX_nor_address_records_is_one_host_without_addresses_of_any_family()
    {
        var resolution = new MxPathResolution { Source = MxPathSource.NoMailDomain, DnsServer = "198.51.100.56" };

        var r = MxPathAnalyzer.Analyze("empty.test", Options, resolution, new List<MxHopPlan>(), Array.Empty<HopProbeResult?>(), Array.Empty<PortControlCheck>(), 1);

        var f = Assert.Single(r.Findings);
        Assert.Equal((FindingCodes.MxTargetHasNoAddress, FindingSeverity.Error), (f.Code, f.Severity));
        Assert.Equal(("empty.test", -1, "no data", "Any"), ((string)f.Evidence["Exchange"], (int)f.Evidence["Preference"], (string)f.Evidence["Lookup"], (string)f.Evidence["AddressFamily"]));
    }

    [Theory]
    [InlineData(MxAddressFamily.IPv4, "2001:db8:5::1", "No MX host of fam.test has a usable IPv4 address")]
    [InlineData(MxAddressFamily.Any, null, "No MX host of fam.test has a usable address")]
    public void With_nothing_to_walk_the_summary_names_the_family_that_was_asked_for(MxAddressFamily family, string? address, string summary)
    {
        var target = address is null ? Target(10, "mx1.fam.test") : Target(10, "mx1.fam.test", address);

        var r = Analyze("fam.test", new[] { target }, Options with { AddressFamily = family });

        Assert.Empty(r.Hops);
        Assert.StartsWith(summary, r.Summary, StringComparison.Ordinal);
    }
}
