using System.Collections.Generic;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Diagnosis;

/// <summary>
/// CauseAnalyzer ranks findings that are handed to it: these tests check the ranking only. Detection of each
/// finding from real traffic is in the lab tests (Lab/DebugMailFlowLabTests and the cmdlets' own lab tests).
/// </summary>
public sealed class CauseRankingTests
{
    [Fact]
    public void No_problem_findings_mean_None()
    {
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            Staged(DiagnosisStage.PathMtu, Finding.Info(FindingCodes.PmtudWorking, "PMTUD works.")),
        });
        Assert.Equal(FindingCodes.None, verdict.Cause);
        Assert.Equal(FaultLocation.None, verdict.Location);
    }

    [Fact]
    public void A_black_hole_explains_a_stalled_transfer()
    {
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            Staged(DiagnosisStage.SmtpStages, Finding.Error(FindingCodes.TransferStalled, "ACKs stopped at 2896 bytes.", "x")),
            Staged(DiagnosisStage.PathMtu, Finding.Error(FindingCodes.PmtudBlackHole, "Path MTU 1400, no ICMP.", "Find the filter that drops ICMP type 3 code 4.")),
        });
        Assert.Equal(FindingCodes.PmtudBlackHole, verdict.Cause);
        Assert.Equal(FaultLocation.Path, verdict.Location);
        Assert.Equal("Find the filter that drops ICMP type 3 code 4.", verdict.Recommendation);
        Assert.Equal(2, verdict.EvidenceChain.Count);
    }

    [Fact]
    public void A_silent_primary_is_a_remote_host_problem()
    {
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            Staged(DiagnosisStage.MxPath, Finding.Warning(FindingCodes.PrimaryDownSecondaryUp, "Primary down.", "x")),
            Staged(DiagnosisStage.MxPath, Finding.Warning(FindingCodes.NoBannerAfterConnect, "silent.lab.test accepts TCP but never greets.", "Fix or remove the MX.")),
        });
        Assert.Equal(FindingCodes.NoBannerAfterConnect, verdict.Cause);
        Assert.Equal(FaultLocation.RemoteHost, verdict.Location);
    }

    [Fact]
    public void Null_mx_wins_even_as_an_info_finding()
    {
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.MxPath, Finding.Info(FindingCodes.NullMx, "Null MX.")) });
        Assert.Equal(FindingCodes.NullMx, verdict.Cause);
    }

    [Fact]
    public void Unranked_problems_are_named_not_hidden()
    {
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.Dns, Finding.Warning("SomethingNew", "odd", "look")) });
        Assert.Equal("SomethingNew", verdict.Cause);
        Assert.Equal(FaultLocation.Unknown, verdict.Location);
    }

    [Fact]
    public void Every_incident_pattern_is_ranked()
    {
        foreach (var code in new[] { FindingCodes.LargeUdpResponsesLost, FindingCodes.SizeSpecificLoss, FindingCodes.PmtudBlackHole, FindingCodes.BannerMasked, FindingCodes.TransferStalled, FindingCodes.NoBannerAfterConnect })
        {
            Assert.NotEqual(int.MaxValue, CauseAnalyzer.RankOf(code));
        }
    }

    [Fact]
    public void A_size_limit_in_the_sweep_is_explained_by_a_black_hole_but_loss_of_particular_sizes_is_not()
    {
        var limit = Finding.Warning(FindingCodes.SizeSpecificLoss, "Every write of 1400 bytes or more failed.", "x", new Dictionary<string, object> { ["NonMonotonic"] = false });
        var particular = Finding.Error(FindingCodes.SizeSpecificLoss, "Writes of exactly 513 and 1025 bytes failed.", "y", new Dictionary<string, object> { ["NonMonotonic"] = true });
        var hole = Finding.Error(FindingCodes.PmtudBlackHole, "1401-byte packets vanish.", "z");
        var stall = Finding.Error(FindingCodes.TransferStalled, "ACKs stopped.", "w");

        Assert.Equal(FindingCodes.PmtudBlackHole, CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.PathMtu, limit), Staged(DiagnosisStage.PathMtu, hole) }).Cause);
        Assert.Equal(FindingCodes.TransferStalled, CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.SmtpStages, stall), Staged(DiagnosisStage.PathMtu, limit) }).Cause);
        Assert.Equal(FindingCodes.SizeSpecificLoss, CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.PathMtu, limit) }).Cause);
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.PathMtu, hole), Staged(DiagnosisStage.PathMtu, particular) });
        Assert.Equal(FindingCodes.SizeSpecificLoss, verdict.Cause);
        Assert.Equal("y", verdict.Recommendation);
    }

    [Fact]
    public void Losing_only_optional_dns_records_ranks_below_an_smtp_failure()
    {
        var partial = Finding.Warning(FindingCodes.LargeUdpResponsesLost, "4096-byte answers lost; 1232 complete.", "x");
        var silent = Finding.Warning(FindingCodes.NoBannerAfterConnect, "silent never greets.", "y");
        Assert.Equal(FindingCodes.NoBannerAfterConnect, CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.Dns, partial), Staged(DiagnosisStage.MxPath, silent) }).Cause);
        Assert.Equal(FindingCodes.LargeUdpResponsesLost, CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.Dns, partial) }).Cause);

        var full = Finding.Error(FindingCodes.LargeUdpResponsesLost, "Only truncated answers arrive.", "z");
        Assert.Equal(FindingCodes.LargeUdpResponsesLost, CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.Dns, full), Staged(DiagnosisStage.MxPath, silent) }).Cause);
    }

    [Theory]
    [InlineData("ConnectTimeout x2", FaultLocation.Path)]
    [InlineData("ConnectTimeout x1, Unreachable x1", FaultLocation.Path)]
    [InlineData("ConnectRefused x1", FaultLocation.RemoteHost)]
    [InlineData("NoBanner x2", FaultLocation.RemoteHost)]
    [InlineData("ConnectTimeout x1, NoBanner x1", FaultLocation.Unknown)]
    public void Where_all_hops_failing_sits_follows_how_they_failed(string outcomes, FaultLocation expected)
    {
        var finding = Finding.Error(FindingCodes.AllHopsFailed, "No MX address accepted a session.", "x", new Dictionary<string, object> { ["Tried"] = 2, ["Outcomes"] = outcomes });
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(DiagnosisStage.MxPath, finding), Staged(DiagnosisStage.SmtpStages, Finding.Error(FindingCodes.ServerUnreachable, "No TCP connection.", "y")) });
        Assert.Equal(FindingCodes.AllHopsFailed, verdict.Cause);
        Assert.Equal(expected, verdict.Location);
    }

    private static StagedFinding Staged(DiagnosisStage stage, Finding finding) => new(stage, "subject", finding);
}
