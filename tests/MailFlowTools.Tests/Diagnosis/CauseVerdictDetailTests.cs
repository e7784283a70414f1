using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Diagnosis;

/// <summary>
/// What Debug-MailFlow says once the cause is chosen: the headline of each cause (the TLS-policy and recipient ones
/// with where they sit), the evidence chain, where an unreachable MX set sits, how size loss ranks with and without
/// its NonMonotonic evidence, and RankOf.
/// </summary>
public class CauseVerdictDetailTests
{
    [Theory]
    [InlineData(FindingCodes.NullMx, "The domain publishes a null MX")]
    [InlineData(FindingCodes.DnsLookupFailed, "The domain's MX lookup failed")]
    [InlineData(FindingCodes.NoBannerAfterConnect, "An MX host accepts TCP connections but never sends the SMTP banner.")]
    [InlineData(FindingCodes.BannerMasked, "A middlebox rewrites the SMTP banner")]
    [InlineData(FindingCodes.PmtudBlackHole, "Path MTU discovery is broken")]
    [InlineData(FindingCodes.TransferStalled, "The path stops forwarding the session partway through the message data.")]
    [InlineData(FindingCodes.LocalPort25Blocked, "Outbound connections to port 25 are blocked near the sender.")]
    [InlineData(FindingCodes.AllHopsFailed, "No MX host of the domain could be reached.")]
    [InlineData(FindingCodes.TcpFallbackBlocked, "DNS over TCP is blocked")]
    [InlineData(FindingCodes.EndOfDataSplitFails, "The end of the message is lost")]
    [InlineData(FindingCodes.StartTlsFailed, "STARTTLS fails")]
    [InlineData(FindingCodes.Ipv6PathBroken, "The IPv6 path to the MX hosts is broken")]
    [InlineData(FindingCodes.MxTargetHasNoAddress, "An MX target has no address.")]
    [InlineData(FindingCodes.ServerUnreachable, "A DNS server for the domain does not answer.")]
    public void TheSummaryIsTheCausesHeadlineThenTheFinding(string code, string headline)
    {
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(Finding.Warning(code, "What was measured.", "Do this.")) });

        Assert.Equal(code, verdict.Cause);
        Assert.StartsWith(headline, verdict.Summary, StringComparison.Ordinal);
        Assert.EndsWith(". What was measured.", verdict.Summary, StringComparison.Ordinal);
        Assert.Equal("Do this.", verdict.Recommendation);
    }

    [Theory]
    [InlineData(FindingCodes.TlsaLookupLost, "An MX host's TLSA lookup is lost on the way", FaultLocation.Path)]
    [InlineData(FindingCodes.DnssecBogus, "The DNSSEC chain of an MX host's TLSA records is broken", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.StartTlsStripped, "A middlebox on the path masks the STARTTLS offer", FaultLocation.Path)]
    [InlineData(FindingCodes.DaneTlsaMismatch, "An MX host's TLSA records do not match the certificate it presents", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.MtaStsPolicyExcludesMx, "The domain's MTA-STS policy leaves out one of its own MX hosts", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.MtaStsCertificateInvalid, "An MX host's certificate fails MTA-STS validation", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.StartTlsNotOffered, "An MX host offers no STARTTLS although the domain's policy requires TLS.", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.MtaStsPolicyUnavailable, "The domain publishes MTA-STS, but its policy cannot be fetched or read.", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.TlsaRecordsUnusable, "An MX host's TLSA records are all unusable for SMTP.", FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.RecipientRefused, "The MX host refuses the recipient: its policy, not a path fault.", FaultLocation.RemoteHost)]
    public void ATlsPolicyOrRecipientCauseSaysWhatSendersRefuseAndWhereTheFaultSits(string code, string headline, FaultLocation location)
    {
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(Finding.Warning(code, "What was measured.", "Do this.")) });

        Assert.Equal((code, location), (verdict.Cause, verdict.Location));
        Assert.StartsWith(headline, verdict.Summary, StringComparison.Ordinal);
        Assert.EndsWith(". What was measured.", verdict.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FindingSeverity.Error, "Large DNS answers are lost over UDP")]
    [InlineData(FindingSeverity.Warning, "Large DNS answers are lost over UDP")]
    public void LostLargeAnswersHaveTheirHeadlineAtEitherRank(FindingSeverity severity, string headline)
    {
        var verdict = CauseAnalyzer.Analyze(new[] { Staged(new Finding(FindingCodes.LargeUdpResponsesLost, severity, "m", "r")) });

        Assert.StartsWith(headline, verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void SizeLossReadsAsParticularSizesOrAsALimit()
    {
        var particular = CauseAnalyzer.Analyze(new[] { Staged(Finding.Error(FindingCodes.SizeSpecificLoss, "m", "r", Evidence(true))) });
        var limit = CauseAnalyzer.Analyze(new[] { Staged(Finding.Error(FindingCodes.SizeSpecificLoss, "m", "r", Evidence(false))) });

        Assert.StartsWith("A device on the path loses TCP segments of particular sizes.", particular.Summary, StringComparison.Ordinal);
        Assert.StartsWith("A device on the path drops TCP segments above a certain size.", limit.Summary, StringComparison.Ordinal);
    }

    [Theory]
    // NonMonotonic evidence decides; without it an Error counts as loss of particular sizes, a Warning as a limit.
    [InlineData(true, FindingSeverity.Warning, FindingCodes.SizeSpecificLoss)]
    [InlineData(false, FindingSeverity.Error, FindingCodes.TransferStalled)]
    [InlineData(null, FindingSeverity.Error, FindingCodes.SizeSpecificLoss)]
    [InlineData(null, FindingSeverity.Warning, FindingCodes.TransferStalled)]
    public void SizeLossOutranksAStallOnlyWhenParticularSizesAreLost(bool? nonMonotonic, FindingSeverity severity, string cause)
    {
        var sizes = new Finding(FindingCodes.SizeSpecificLoss, severity, "m", "r", nonMonotonic is { } n ? Evidence(n) : null);

        var verdict = CauseAnalyzer.Analyze(new[] { Staged(Finding.Error(FindingCodes.TransferStalled, "stalled", "r")), Staged(sizes) });

        Assert.Equal(cause, verdict.Cause);
    }

    [Fact]
    public void TheEvidenceChainKeepsProblemsAndTheTellingInfoFindingsOnly()
    {
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            new StagedFinding(DiagnosisStage.MxPath, "contoso.test", Finding.Info(FindingCodes.ImplicitMx, "No MX; the A record is used.")),
            new StagedFinding(DiagnosisStage.PathMtu, "mx1 192.0.2.25", Finding.Info(FindingCodes.PmtudWorking, "PMTUD works.")),
            new StagedFinding(DiagnosisStage.Dns, "ns1 192.0.2.53", Finding.Info(FindingCodes.EdnsCompliant, "Compliant.")),
            new StagedFinding(DiagnosisStage.SmtpStages, "mx1 192.0.2.25", Finding.Error(FindingCodes.TransferStalled, "Stalled at 2896 bytes.", "r")),
        });

        Assert.Equal(
            new[]
            {
                "MxPath: contoso.test: [Info] ImplicitMx: No MX; the A record is used.",
                "PathMtu: mx1 192.0.2.25: [Info] PmtudWorking: PMTUD works.",
                "SmtpStages: mx1 192.0.2.25: [Error] TransferStalled: Stalled at 2896 bytes.",
            },
            verdict.EvidenceChain);
    }

    [Fact]
    public void WithNoProblemTheVerdictSaysSoInWords()
    {
        var verdict = CauseAnalyzer.Analyze(Array.Empty<StagedFinding>());

        Assert.Equal((FindingCodes.None, FaultLocation.None, string.Empty), (verdict.Cause, verdict.Location, verdict.Recommendation));
        Assert.Equal("No path problem found: DNS, the MX hosts and the SMTP session all worked.", verdict.Summary);
    }

    [Fact]
    public void AnUnrankedProblemIsNamedMostSevereFirst()
    {
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            Staged(Finding.Warning(FindingCodes.BufferSizeExceeded, "Oversize answers.", "Fix truncation.")),
            Staged(Finding.Error(FindingCodes.SmtpSessionFailed, "Session failed at RcptTo.", "Read the reply.")),
        });

        Assert.Equal((FindingCodes.SmtpSessionFailed, FaultLocation.Unknown, "Session failed at RcptTo.", "Read the reply."), (verdict.Cause, verdict.Location, verdict.Summary, verdict.Recommendation));
    }

    [Theory]
    [InlineData("ConnectTimeout 192.0.2.25, Unreachable 2001:db8::25", FaultLocation.Path)]
    [InlineData("ConnectRefused 192.0.2.25", FaultLocation.RemoteHost)]
    [InlineData("NoBanner 192.0.2.25", FaultLocation.RemoteHost)]
    [InlineData("BannerRejected 192.0.2.25", FaultLocation.RemoteHost)]
    [InlineData("BannerTempFailed 192.0.2.25", FaultLocation.RemoteHost)]
    [InlineData("EhloFailed 192.0.2.25", FaultLocation.RemoteHost)]
    [InlineData("TlsFailed 192.0.2.25", FaultLocation.RemoteHost)]
    [InlineData("ConnectTimeout 192.0.2.25, NoBanner 192.0.2.26", FaultLocation.Unknown)]
    [InlineData("ConnectTimeout 192.0.2.25, ", FaultLocation.Path)]
    [InlineData("", FaultLocation.Unknown)]
    public void WhereAnUnreachableMxSetSitsFollowsHowItsHopsFailed(string outcomes, FaultLocation location)
    {
        var finding = Finding.Error(FindingCodes.AllHopsFailed, "All hops failed.", "r", new Dictionary<string, object> { ["Outcomes"] = outcomes });

        Assert.Equal(location, CauseAnalyzer.Analyze(new[] { Staged(finding) }).Location);
    }

    [Fact]
    public void OnlyAnUnreachableMxSetIsPlacedByHowItsHopsFailed()
    {
        // Another ranked finding that happens to carry hop outcomes keeps the place its code gives it.
        var other = Finding.Error(FindingCodes.MxTargetHasNoAddress, "No address.", "r", new Dictionary<string, object> { ["Outcomes"] = "ConnectTimeout 192.0.2.25" });
        var noOutcomes = Finding.Error(FindingCodes.AllHopsFailed, "All hops failed.", "r");

        Assert.Equal(FaultLocation.RemoteHost, CauseAnalyzer.Analyze(new[] { Staged(other) }).Location);
        Assert.Equal(FaultLocation.Unknown, CauseAnalyzer.Analyze(new[] { Staged(noOutcomes) }).Location);
    }

    [Fact]
    public void RankOfOrdersTheMostSpecificCauseFirst()
    {
        Assert.Equal(0, CauseAnalyzer.RankOf(FindingCodes.NullMx));
        Assert.Equal(1, CauseAnalyzer.RankOf(FindingCodes.DnsLookupFailed));
        Assert.True(CauseAnalyzer.RankOf(FindingCodes.PmtudBlackHole) < CauseAnalyzer.RankOf(FindingCodes.TransferStalled));
        Assert.Equal(int.MaxValue, CauseAnalyzer.RankOf(FindingCodes.SmtpSessionFailed));
    }

    private static Dictionary<string, object> Evidence(bool nonMonotonic) => new() { ["NonMonotonic"] = nonMonotonic };

    private static StagedFinding Staged(Finding finding) => new(DiagnosisStage.MxPath, "subject", finding);
}
