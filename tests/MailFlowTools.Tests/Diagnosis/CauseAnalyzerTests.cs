using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Diagnosis;

public sealed class CauseAnalyzerTests
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

    private static StagedFinding Staged(DiagnosisStage stage, Finding finding) => new(stage, "subject", finding);
}
