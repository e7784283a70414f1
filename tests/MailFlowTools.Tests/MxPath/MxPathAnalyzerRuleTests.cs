using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;
using static MailFlowTools.Tests.MxPath.ScriptedWalk;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// Test-MxPath's verdict rules on made-up walks, given straight to the pure analyzer: walks the engine's fakes
/// cannot produce (a session that raised no finding of its own, control checks beside mixed outcomes, a hop with
/// no timing) and the bounds the MX mutation run found unpinned.
/// </summary>
public class MxPathAnalyzerRuleTests
{
    private static readonly MxPathOptions Options = new();

    [Fact]
    public void The_first_address_past_MaxHops_is_left_out_by_the_limit_not_by_the_walk()
    {
        var targets = new[] { Target(10, "mx1.cap.test", "198.51.100.1"), Target(20, "mx2.cap.test", "198.51.100.2"), Target(30, "mx3.cap.test", "198.51.100.3") };

        var r = Analyze("cap.test", targets, Options with { MaxHops = 2 }, ("198.51.100.1", Hop(MxHopOutcome.ConnectRefused)), ("198.51.100.2", Hop(MxHopOutcome.ConnectRefused)));

        Assert.Equal(MxHopOutcome.NotTried, r.Hops[2].Outcome);
        Assert.Contains("first 2 addresses", r.Hops[2].Detail);
        Assert.Equal(0, r.Hops[2].ElapsedMs);
        Assert.False(r.Hops[2].BannerMasked);
        Assert.Equal(2, Single(r, FindingCodes.AllHopsFailed).Evidence["Tried"]);
    }

    [Fact]
    public void A_MaxHops_below_one_still_walks_one_address()
    {
        var targets = new[] { Target(10, "mx1.cap.test", "198.51.100.1"), Target(20, "mx2.cap.test", "198.51.100.2") };

        var r = Analyze("cap.test", targets, Options with { MaxHops = 0 }, ("198.51.100.1", Hop(MxHopOutcome.ConnectRefused)));

        Assert.Equal("scripted ConnectRefused", r.Hops[0].Detail);
        Assert.Contains("first 1 addresses", r.Hops[1].Detail);
    }

    [Theory]
    [InlineData(false, "not tried")]
    [InlineData(true, null)]
    public void A_walked_hop_left_without_a_result_says_so_unless_every_hop_was_asked_for(bool allHops, string? detail)
    {
        var targets = new[] { Target(10, "mx1.gap.test", "198.51.100.1"), Target(20, "mx2.gap.test", "198.51.100.2") };

        var r = Analyze("gap.test", targets, Options with { AllHops = allHops }, ("198.51.100.1", Hop(MxHopOutcome.ConnectRefused)));

        Assert.Equal(MxHopOutcome.NotTried, r.Hops[1].Outcome);
        Assert.Equal(detail, r.Hops[1].Detail);
    }

    [Fact]
    public void A_hop_carries_the_probe_s_detail_and_its_time_rounded_to_hundredths()
    {
        var probe = new HopProbeResult { Outcome = MxHopOutcome.Ok, ConnectMs = 1.23456, BannerMs = 2.5, Banner = "220 mx1.ok.test ESMTP", Detail = "greeting after a pause", ElapsedMs = 12.3456 };

        var r = Analyze("ok.test", new[] { Target(10, "mx1.ok.test", "198.51.100.1") }, Options, ("198.51.100.1", probe));

        var hop = r.SelectedHop!;
        Assert.Equal("greeting after a pause", hop.Detail);
        Assert.Equal(12.35, hop.ElapsedMs);
        Assert.Equal(1.23, hop.ConnectMs);
        Assert.False(hop.BannerMasked);
    }

    [Fact]
    public void A_hop_is_masked_only_when_its_session_found_the_banner_masked()
    {
        var masked = Hop(MxHopOutcome.Ok, banner: "220 **********", findings: SmtpFindings.BannerMasked("mx1.mask.test", "198.51.100.1", "220 **********"));
        var plain = Hop(MxHopOutcome.Ok, banner: "220 mx2.mask.test ESMTP");
        var targets = new[] { Target(10, "mx1.mask.test", "198.51.100.1"), Target(20, "mx2.mask.test", "198.51.100.2") };

        var r = Analyze("mask.test", targets, Options with { AllHops = true }, ("198.51.100.1", masked), ("198.51.100.2", plain));

        Assert.Equal(new[] { true, false }, r.Hops.Select(h => h.BannerMasked));
        Assert.Equal("198.51.100.1", Single(r, FindingCodes.BannerMasked).Evidence["Address"]);
    }

    [Fact]
    public void Silent_addresses_of_one_host_are_one_finding_that_timed_out_if_any_session_waited_out_the_greeting()
    {
        var targets = new[] { Target(10, "silent.nb.test", "198.51.100.1", "2001:db8:5::1") };
        var waited = Hop(MxHopOutcome.NoBanner, findings: SmtpFindings.NoBannerAfterConnect("silent.nb.test", new[] { "2001:db8:5::1" }, 25, Options.BannerTimeout, SmtpStageOutcome.Timeout));

        var r = Analyze("nb.test", targets, Options, ("2001:db8:5::1", waited), ("198.51.100.1", Hop(MxHopOutcome.NoBanner)));

        var f = Single(r, FindingCodes.NoBannerAfterConnect);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("2001:db8:5::1, 198.51.100.1", f.Evidence["Addresses"]);
        Assert.Equal(nameof(SmtpStageOutcome.Timeout), f.Evidence["Outcome"]);
    }

    [Fact]
    public void A_silent_host_whose_sessions_saw_the_connection_end_is_reported_as_closed()
    {
        var targets = new[] { Target(10, "closing.nb.test", "198.51.100.1"), Target(20, "mx2.nb.test", "198.51.100.2") };

        var r = Analyze("nb.test", targets, Options, ("198.51.100.1", Hop(MxHopOutcome.NoBanner)), ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        var f = Single(r, FindingCodes.NoBannerAfterConnect);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal(nameof(SmtpStageOutcome.Closed), f.Evidence["Outcome"]);
    }

    [Fact]
    public void No_greeting_without_a_measured_connect_is_not_called_a_silent_server()
    {
        var noConnect = new HopProbeResult { Outcome = MxHopOutcome.NoBanner, Detail = "no greeting" };

        var r = Analyze("nb.test", new[] { Target(10, "mx1.nb.test", "198.51.100.1") }, Options, ("198.51.100.1", noConnect));

        None(r, FindingCodes.NoBannerAfterConnect);
        Single(r, FindingCodes.AllHopsFailed);
    }

    [Theory]
    [InlineData("handshake failed: certificate expired", null, "handshake failed: certificate expired")]
    [InlineData(null, "454 4.7.0 TLS not available", "454 4.7.0 TLS not available")]
    [InlineData(null, null, "no detail")]
    public void A_failed_STARTTLS_the_session_did_not_report_is_a_warning_with_the_best_reason_at_hand(string? detail, string? reply, string reason)
    {
        var tlsFailed = new HopProbeResult { Outcome = MxHopOutcome.TlsFailed, ConnectMs = 1, BannerMs = 2, Detail = detail, ReplyText = reply };
        var targets = new[] { Target(10, "mx1.tls.test", "198.51.100.1"), Target(20, "mx2.tls.test", "198.51.100.2") };

        var r = Analyze("tls.test", targets, Options, ("198.51.100.1", tlsFailed), ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        var f = Single(r, FindingCodes.StartTlsFailed);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal(reason, f.Evidence["Reason"]);
        Assert.Equal("198.51.100.1", f.Evidence["Address"]);
    }

    [Fact]
    public void The_session_s_own_STARTTLS_finding_is_passed_on_as_a_warning_instead_of_a_second_one()
    {
        var own = SmtpFindings.StartTlsFailed("mx1.tls.test", "198.51.100.1", 25, "the session's reason");
        var tlsFailed = Hop(MxHopOutcome.TlsFailed, findings: own);
        var targets = new[] { Target(10, "mx1.tls.test", "198.51.100.1"), Target(20, "mx2.tls.test", "198.51.100.2") };

        var r = Analyze("tls.test", targets, Options, ("198.51.100.1", tlsFailed), ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        Assert.Equal(FindingSeverity.Error, own.Severity);
        var f = Single(r, FindingCodes.StartTlsFailed);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("the session's reason", f.Evidence["Reason"]);
    }

    [Fact]
    public void An_answering_control_port_is_no_port_block_when_some_hop_did_more_than_time_out()
    {
        var targets = new[] { Target(10, "mx1.mixed.test", "198.51.100.1"), Target(20, "mx2.mixed.test", "198.51.100.2") };
        var checks = new[] { new PortControlCheck("198.51.100.1", 587, PortCheckOutcome.Connected, 3) };

        var r = Analyze("mixed.test", targets, Options, checks, ("198.51.100.1", Hop(MxHopOutcome.ConnectTimeout)), ("198.51.100.2", Hop(MxHopOutcome.ConnectRefused)));

        None(r, FindingCodes.LocalPort25Blocked);
        var all = Single(r, FindingCodes.AllHopsFailed);
        Assert.Contains("mx1.mixed.test [198.51.100.1]", all.Recommendation);
        Assert.DoesNotContain("blocked", r.Summary);
    }

    [Fact]
    public void The_port_block_names_the_first_control_port_that_answered()
    {
        var targets = new[] { Target(10, "mx1.blk.test", "198.51.100.1", "198.51.100.2") };
        var checks = new[]
        {
            new PortControlCheck("198.51.100.1", 443, PortCheckOutcome.Timeout, 3000),
            new PortControlCheck("198.51.100.2", 587, PortCheckOutcome.Connected, 3),
            new PortControlCheck("198.51.100.2", 443, PortCheckOutcome.Refused, 3),
        };

        var r = Analyze("blk.test", targets, Options, checks, ("198.51.100.1", Hop(MxHopOutcome.ConnectTimeout)), ("198.51.100.2", Hop(MxHopOutcome.ConnectTimeout)));

        var f = Single(r, FindingCodes.LocalPort25Blocked);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal(("198.51.100.2", 587, "Connected"), ((string)f.Evidence["ControlAddress"], (int)f.Evidence["ControlPort"], (string)f.Evidence["ControlOutcome"]));
        Assert.Equal("198.51.100.1, 198.51.100.2", f.Evidence["FailedAddresses"]);
        Assert.Equal(nameof(SmtpStageOutcome.Timeout), f.Evidence["Outcome"]);
        Assert.Contains("port block", Single(r, FindingCodes.AllHopsFailed).Recommendation);
    }

    [Theory]
    [InlineData(MxHopOutcome.ConnectRefused, "refuses port 25")]
    [InlineData(MxHopOutcome.NoBanner, "never greets")]
    [InlineData(MxHopOutcome.Unreachable, "no route")]
    [InlineData(MxHopOutcome.BannerRejected, "Start with the first MX host, mx1.fail.test [198.51.100.1]: scripted BannerRejected")]
    public void When_every_hop_fails_the_same_way_the_advice_names_that_cause(MxHopOutcome outcome, string advice)
    {
        var targets = new[] { Target(10, "mx1.fail.test", "198.51.100.1"), Target(20, "mx2.fail.test", "198.51.100.2") };

        var r = Analyze("fail.test", targets, Options, ("198.51.100.1", Hop(outcome)), ("198.51.100.2", Hop(outcome)));

        var f = Single(r, FindingCodes.AllHopsFailed);
        Assert.Contains(advice, f.Recommendation);
        Assert.Equal(outcome + " x2", f.Evidence["Outcomes"]);
    }

    [Theory]
    [InlineData(MxHopOutcome.NoBanner)]
    [InlineData(MxHopOutcome.Unreachable)]
    [InlineData(MxHopOutcome.ConnectRefused)]
    public void One_host_failing_another_way_gets_the_first_host_advice_not_the_uniform_one(MxHopOutcome outcome)
    {
        var targets = new[] { Target(10, "mx1.fail.test", "198.51.100.1"), Target(20, "mx2.fail.test", "198.51.100.2") };

        var r = Analyze("fail.test", targets, Options, ("198.51.100.1", Hop(outcome)), ("198.51.100.2", Hop(MxHopOutcome.BannerRejected)));

        var f = Single(r, FindingCodes.AllHopsFailed);
        Assert.Equal("Start with the first MX host, mx1.fail.test [198.51.100.1]: scripted " + outcome + ".", f.Recommendation);
        Assert.StartsWith("No MX address of fail.test accepted a session: 2 tried (", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_failures_send_the_reader_to_the_first_host_described_by_its_outcome_when_it_has_no_detail()
    {
        var targets = new[] { Target(10, "mx1.fail.test", "198.51.100.1"), Target(20, "mx2.fail.test", "198.51.100.2") };
        var refused = new HopProbeResult { Outcome = MxHopOutcome.ConnectRefused };

        var r = Analyze("fail.test", targets, Options, ("198.51.100.1", refused), ("198.51.100.2", Hop(MxHopOutcome.ConnectTimeout)));

        var f = Single(r, FindingCodes.AllHopsFailed);
        Assert.EndsWith("mx1.fail.test [198.51.100.1]: connection refused.", f.Recommendation, StringComparison.Ordinal);
        Assert.Equal("ConnectRefused x1, ConnectTimeout x1", f.Evidence["Outcomes"]);
    }

    [Fact]
    public void No_route_over_IPv6_names_the_IPv6_hosts_and_the_working_IPv4_address()
    {
        var targets = new[] { Target(10, "a.nr.test", "2001:db8:5::1"), Target(20, "b.nr.test", "198.51.100.2") };

        var r = Analyze("nr.test", targets, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Unreachable)), ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        var f = Single(r, FindingCodes.Ipv6PathBroken);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Contains("nr.test", f.Message);
        Assert.Equal("a.nr.test", f.Evidence["Exchanges"]);
        Assert.Equal("2001:db8:5::1 Unreachable", f.Evidence["FailedIPv6"]);
        Assert.Equal("198.51.100.2", f.Evidence["WorkingIPv4"]);
    }

    [Fact]
    public void IPv6_is_not_called_unroutable_when_one_IPv6_address_got_further_than_no_route()
    {
        var targets = new[] { Target(10, "a.nr.test", "2001:db8:5::1"), Target(20, "b.nr.test", "2001:db8:5::2"), Target(30, "c.nr.test", "198.51.100.3") };

        var r = Analyze("nr.test", targets, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Unreachable)), ("2001:db8:5::2", Hop(MxHopOutcome.ConnectRefused)), ("198.51.100.3", Hop(MxHopOutcome.Ok)));

        None(r, FindingCodes.Ipv6PathBroken);
    }

    [Fact]
    public void Unroutable_IPv6_is_no_IPv6_problem_when_IPv4_fails_too()
    {
        var targets = new[] { Target(10, "a.nr.test", "2001:db8:5::1"), Target(20, "b.nr.test", "198.51.100.2") };

        var r = Analyze("nr.test", targets, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Unreachable)), ("198.51.100.2", Hop(MxHopOutcome.ConnectRefused)));

        None(r, FindingCodes.Ipv6PathBroken);
        Single(r, FindingCodes.AllHopsFailed);
    }

    [Fact]
    public void A_working_IPv4_only_domain_has_no_IPv6_problem()
    {
        var r = Analyze("v4.test", new[] { Target(10, "mx1.v4.test", "198.51.100.1") }, Options, ("198.51.100.1", Hop(MxHopOutcome.Ok)));

        None(r, FindingCodes.Ipv6PathBroken);
        None(r, FindingCodes.MxIpv6Only);
        Assert.DoesNotContain(r.Findings, f => f.IsProblem);
    }

    [Fact]
    public void IPv6_only_counts_the_hosts_with_addresses_and_ignores_ones_without_and_address_literals()
    {
        var literal = new MxPathTarget { Preference = 5, Exchange = "198.51.100.9", IsAddressLiteral = true, IPv4Addresses = new[] { IPAddress.Parse("198.51.100.9") } };
        var targets = new[] { literal, Target(10, "gone.v6.test"), Target(20, "mx.v6.test", "2001:db8:5::1") };

        var r = Analyze("v6.test", targets, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Ok)));

        var f = Single(r, FindingCodes.MxIpv6Only);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("mx.v6.test", f.Evidence["Exchanges"]);
    }

    [Fact]
    public void IPv6_only_needs_a_host_with_addresses_at_all()
    {
        var r = Analyze("none.test", new[] { Target(10, "gone.none.test") }, Options);

        None(r, FindingCodes.MxIpv6Only);
        Assert.Equal(FindingSeverity.Error, Single(r, FindingCodes.MxTargetHasNoAddress).Severity);
    }

    [Fact]
    public void One_IPv4_host_beside_IPv6_only_ones_is_enough()
    {
        var targets = new[] { Target(10, "a.mix.test", "2001:db8:5::1"), Target(20, "b.mix.test", "2001:db8:5::2", "198.51.100.2") };

        var r = Analyze("mix.test", targets, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Ok)));

        None(r, FindingCodes.MxIpv6Only);
    }

    [Fact]
    public void An_MX_record_lists_its_addresses_IPv6_first_and_a_healthy_one_has_no_problem()
    {
        var r = Analyze("rec.test", new[] { Target(10, "mx1.rec.test", "198.51.100.1", "2001:db8:5::1") }, Options, ("2001:db8:5::1", Hop(MxHopOutcome.Ok)));

        var record = Assert.Single(r.MxRecords);
        Assert.Equal(new[] { "2001:db8:5::1", "198.51.100.1" }, record.Addresses);
        Assert.Null(record.Problem);
    }

    [Theory]
    [InlineData(true, true, "A ServerFailure; AAAA Timeout")]
    [InlineData(true, false, "A ServerFailure")]
    [InlineData(false, true, "AAAA Timeout")]
    public void An_MX_record_without_addresses_says_which_lookups_failed_and_how(bool v4Failed, bool v6Failed, string failures)
    {
        var broken = new MxPathTarget
        {
            Preference = 10,
            Exchange = "mx1.rec.test",
            IPv4Error = v4Failed ? new MxDnsError { Name = "mx1.rec.test", RecordType = "A", Kind = MxDnsErrorKind.ServerFailure } : null,
            IPv6Error = v6Failed ? new MxDnsError { Name = "mx1.rec.test", RecordType = "AAAA", Kind = MxDnsErrorKind.Timeout } : null,
        };

        var r = Analyze("rec.test", new[] { broken }, Options);

        Assert.Equal("address lookup failed: " + failures, Assert.Single(r.MxRecords).Problem);
        Assert.Equal((v4Failed ? 1 : 0) + (v6Failed ? 1 : 0), r.Findings.Count(f => f.Code == FindingCodes.DnsLookupFailed));
        None(r, FindingCodes.MxTargetHasNoAddress);
    }

    [Fact]
    public void An_IPv4_only_host_tested_over_IPv6_is_a_record_problem_and_names_its_addresses()
    {
        var targets = new[] { Target(10, "mx1.fam.test", "198.51.100.1"), Target(20, "mx2.fam.test", "2001:db8:5::2") };

        var r = Analyze("fam.test", targets, Options with { AddressFamily = MxAddressFamily.IPv6 }, ("2001:db8:5::2", Hop(MxHopOutcome.Ok)));

        Assert.Equal("no IPv6 address (only IPv4)", r.MxRecords[0].Problem);
        Assert.Null(r.MxRecords[1].Problem);
        var f = Single(r, FindingCodes.MxTargetHasNoAddress);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal(("mx1.fam.test", "IPv6", "198.51.100.1", "no data"), ((string)f.Evidence["Exchange"], (string)f.Evidence["AddressFamily"], (string)f.Evidence["Addresses"], (string)f.Evidence["Lookup"]));
    }

    [Fact]
    public void An_MX_written_as_an_address_is_a_record_problem_even_when_it_parses_as_one()
    {
        var literal = new MxPathTarget { Preference = 10, Exchange = "198.51.100.9", IsAddressLiteral = true, IPv4Addresses = new[] { IPAddress.Parse("198.51.100.9") } };

        var r = Analyze("lit.test", new[] { literal, Target(20, "mx2.lit.test", "198.51.100.2") }, Options, ("198.51.100.2", Hop(MxHopOutcome.Ok)));

        Assert.Contains("IP address", r.MxRecords[0].Problem);
        var f = Single(r, FindingCodes.MxPointsToAddressLiteral);
        Assert.Equal(("198.51.100.9", 10), ((string)f.Evidence["Exchange"], (int)f.Evidence["Preference"]));
        None(r, FindingCodes.MxTargetHasNoAddress);
        Assert.Equal("mx2.lit.test", Assert.Single(r.Hops).Exchange);
    }

    private static Finding Single(MxPathResult r, string code) => Assert.Single(r.Findings, f => f.Code == code);

    private static void None(MxPathResult r, string code) => Assert.DoesNotContain(r.Findings, f => f.Code == code);
}
