using System;
using System.Linq;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

public sealed class OptionsAndFindingsTests
{
    [Theory]
    [InlineData(MtuProbeAddressFamily.IPv4, 67, 0)]
    [InlineData(MtuProbeAddressFamily.Any, 67, 0)]
    [InlineData(MtuProbeAddressFamily.IPv6, 1279, 0)]
    [InlineData(MtuProbeAddressFamily.IPv6, 0, 1279)]
    [InlineData(MtuProbeAddressFamily.IPv4, 0, 65536)]
    [InlineData(MtuProbeAddressFamily.IPv4, 1500, 1400)]
    public void Sizes_out_of_range_are_invalid_invocations(MtuProbeAddressFamily family, int min, int max)
    {
        var ex = Assert.Throws<MailFlowException>(() => new MtuProbeOptions { ComputerName = "x", AddressFamily = family, MinSize = min, MaxSize = max }.Validate());
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
        Assert.True(ex.IsInvalidInvocation);
    }

    [Theory]
    [InlineData(MtuProbeAddressFamily.IPv4, 68, 65535)]
    [InlineData(MtuProbeAddressFamily.IPv6, 1280, 65535)]
    [InlineData(MtuProbeAddressFamily.Any, 0, 0)]
    public void Sizes_in_range_are_accepted(MtuProbeAddressFamily family, int min, int max) =>
        new MtuProbeOptions { ComputerName = "x", AddressFamily = family, MinSize = min, MaxSize = max }.Validate();

    [Fact]
    public void Other_parameters_are_range_checked()
    {
        Assert.Throws<MailFlowException>(() => new MtuProbeOptions { Port = 0 }.Validate());
        Assert.Throws<MailFlowException>(() => new MtuProbeOptions { Timeout = TimeSpan.Zero }.Validate());
        Assert.Throws<MailFlowException>(() => new MtuProbeOptions { Timeout = TimeSpan.FromSeconds(301) }.Validate());
        Assert.Throws<MailFlowException>(() => MtuProbeOptions.FromParameters("x", MtuProbeMethod.Auto, 25, 0, 0, null, double.NaN, MtuProbeAddressFamily.Any));
        Assert.Throws<MailFlowException>(() => new MtuProbeOptions { PayloadSizes = new[] { 512, 64 } }.Validate());
        Assert.Throws<MailFlowException>(() => new MtuProbeOptions { PayloadSizes = new[] { 8193 } }.Validate());
        new MtuProbeOptions { PayloadSizes = new[] { 65, 513, 8192 } }.Validate();
    }

    [Fact]
    public void First_round_covers_the_range_plateaus_and_their_neighbours_twice()
    {
        var plan = SizePlanner.FirstRound(68, 1500, 40, 2);
        Assert.Equal(68, plan.Min());
        Assert.Equal(1500, plan.Max());
        Assert.Equal(2, plan.Count(s => s == 1401));
        Assert.Equal(2, plan.Count(s => s == 1493));
        Assert.Equal(1, plan.Count(s => s == 1400));
        Assert.DoesNotContain(1501, plan);
        Assert.True(plan.Distinct().Count() >= 40);
        Assert.True(plan.Count < 120, "first burst stays small: " + plan.Count);
        Assert.Empty(SizePlanner.FirstRound(1500, 1400, 40, 2));
    }

    [Fact]
    public void A_black_hole_finding_names_the_icmp_type_and_the_workaround()
    {
        var ledger = new SizeLedger(68, 1500);
        ledger.Add(new MtuProbeAttempt { Size = 1400, RequestedSize = 1400, Outcome = MtuProbeOutcome.Passed });
        ledger.Add(new MtuProbeAttempt { Size = 1401, RequestedSize = 1401, Outcome = MtuProbeOutcome.Lost });
        ledger.Add(new MtuProbeAttempt { Size = 1401, RequestedSize = 1401, Outcome = MtuProbeOutcome.Lost, Attempt = 2 });
        var verdict = MtuVerdict.From(ledger, 2, tooBigObservable: true);

        var v4 = MtuFindings.Build(new MtuFindingInputs { Address = "198.51.100.27", Verdict = verdict, VerdictMethod = MtuProbeMethod.Icmp });
        var f = Assert.Single(v4);
        Assert.Equal(FindingCodes.PmtudBlackHole, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains("ICMP type 3 code 4", f.Recommendation);
        Assert.Contains("1360", f.Recommendation);
        Assert.Equal(1400, f.Evidence["PathMtu"]);
        Assert.Equal(1401, f.Evidence["SmallestLostSize"]);

        var v6 = MtuFindings.Build(new MtuFindingInputs { Address = "2001:db8:5::27", IsIPv6 = true, Verdict = verdict, VerdictMethod = MtuProbeMethod.Icmp });
        Assert.Contains("ICMPv6 type 2", v6[0].Recommendation);
        Assert.Contains("1340", v6[0].Recommendation);
    }

    [Fact]
    public void A_black_hole_is_never_claimed_when_too_big_errors_cannot_be_seen()
    {
        var ledger = new SizeLedger(68, 1500);
        ledger.Add(new MtuProbeAttempt { Size = 1400, RequestedSize = 1400, Outcome = MtuProbeOutcome.Passed });
        ledger.Add(new MtuProbeAttempt { Size = 1401, RequestedSize = 1401, Outcome = MtuProbeOutcome.Lost });
        Assert.False(MtuVerdict.From(ledger, 1, tooBigObservable: false).BlackHole);
    }

    [Fact]
    public void Unanswered_icmp_kernel_probing_and_size_loss_each_have_a_finding()
    {
        var sweep = SweepAnalysis.From(new[]
        {
            new SweepAttemptResult { PayloadSize = 512, Attempt = 1, Completed = true, Commands = 11 },
            new SweepAttemptResult { PayloadSize = 513, Attempt = 1, Commands = 11 },
            new SweepAttemptResult { PayloadSize = 514, Attempt = 1, Completed = true, Commands = 11 },
        });
        var findings = MtuFindings.Build(new MtuFindingInputs
        {
            Address = "198.51.100.26",
            IcmpUnanswered = true,
            TcpRan = true,
            Sweep = sweep,
            Local = new LocalPathInfo { KernelTcpMtuProbing = 1 },
        });
        Assert.Equal(new[] { FindingCodes.IcmpFiltered, FindingCodes.SizeSpecificLoss, FindingCodes.KernelMtuProbingActive }, findings.Select(f => f.Code));
        var loss = findings[1];
        Assert.Equal(FindingSeverity.Error, loss.Severity);
        Assert.Contains("ESMTP inspection", loss.Recommendation);
        Assert.Equal(new[] { 512, 514 }, (int[])loss.Evidence["PassingNeighbours"]);
    }
}
