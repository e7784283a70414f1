using System.Linq;
using System.Net;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// The RFC 6891 compliance verdicts of Test-EdnsReachability -Compliance, one misbehaviour at a time and in pairs:
/// each names its own finding, and any problem withholds the "compliant" finding.
/// </summary>
public class EdnsComplianceFindingTests
{
    private static readonly EdnsProbe VersionRejected = Compliance(EdnsProbeKind.UnknownVersion, EdnsProbeOutcome.BadVers, version: 0);
    private static readonly EdnsProbe OptionIgnored = Compliance(EdnsProbeKind.UnknownOption, EdnsProbeOutcome.Answer);
    private static readonly EdnsProbe FlagIgnored = Compliance(EdnsProbeKind.UnknownFlag, EdnsProbeOutcome.Answer);
    private static readonly EdnsProbe TruncatedWithOpt = Compliance(EdnsProbeKind.TruncatedOpt, EdnsProbeOutcome.Truncated);

    [Fact]
    public void AServerThatHandlesEveryProbeIsCompliantIncludingOptOnTruncatedAnswers()
    {
        var result = Analyze(VersionRejected, OptionIgnored, FlagIgnored, TruncatedWithOpt);

        var compliant = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.EdnsCompliant, compliant.Code);
        Assert.Equal(FindingSeverity.Info, compliant.Severity);
        Assert.Equal("192.0.2.53 passed the EDNS compliance probes (BADVERS for version 1, unknown option and flag ignored, OPT on truncated answers).", compliant.Message);
    }

    [Fact]
    public void OptOnTruncatedAnswersIsClaimedOnlyWhenTheAnswerWasTruncated()
    {
        var result = Analyze(VersionRejected, OptionIgnored, FlagIgnored, Compliance(EdnsProbeKind.TruncatedOpt, EdnsProbeOutcome.Answer));

        Assert.Equal("192.0.2.53 passed the EDNS compliance probes (BADVERS for version 1, unknown option and flag ignored).", Assert.Single(result.Findings).Message);
    }

    [Fact]
    public void AnUnknownVersionAnsweredNormallyIsNotRejected()
    {
        var version = Compliance(EdnsProbeKind.UnknownVersion, EdnsProbeOutcome.Answer, detail: "answered as version 0");

        var result = Analyze(version, OptionIgnored, FlagIgnored, TruncatedWithOpt);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.EdnsVersionNotRejected, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Equal("192.0.2.53 did not answer an EDNS version 1 query with BADVERS and version 0 (Answer: answered as version 0).", finding.Message);
        Assert.Contains("RFC 6891 §6.1.3", finding.Recommendation);
        Assert.Equal("Answer", finding.Evidence["Outcome"]);
        Assert.Equal("none", finding.Evidence["ResponseEdnsVersion"]);
    }

    [Fact]
    public void BadVersWithTheWrongVersionIsNotRejectionEither()
    {
        var version = Compliance(EdnsProbeKind.UnknownVersion, EdnsProbeOutcome.BadVers, version: 1);

        var finding = Assert.Single(Analyze(version, OptionIgnored, FlagIgnored, TruncatedWithOpt).Findings);

        Assert.Equal(FindingCodes.EdnsVersionNotRejected, finding.Code);
        Assert.Equal("192.0.2.53 did not answer an EDNS version 1 query with BADVERS and version 0 (BadVers).", finding.Message);
        Assert.Equal("1", finding.Evidence["ResponseEdnsVersion"]);
    }

    [Fact]
    public void AnEchoedUnknownOptionIsMishandled()
    {
        var option = Compliance(EdnsProbeKind.UnknownOption, EdnsProbeOutcome.Answer, echoed: true);

        var finding = Assert.Single(Analyze(VersionRejected, option, FlagIgnored, TruncatedWithOpt).Findings);

        Assert.Equal((FindingCodes.EdnsUnknownOptionRejected, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Equal("192.0.2.53 mishandled a query with an unknown EDNS option (Answer).", finding.Message);
        Assert.Contains("RFC 6891 §6.1.2", finding.Recommendation);
        Assert.Equal(("Answer", (object)EdnsReachabilityTester.UnknownOptionCode), (finding.Evidence["Outcome"], finding.Evidence["OptionCode"]));
    }

    [Theory]
    [InlineData(EdnsProbeOutcome.FormErr, true, false, "FormErr: FORMERR")]
    [InlineData(EdnsProbeOutcome.Answer, false, false, "Answer: FORMERR")]
    [InlineData(EdnsProbeOutcome.Answer, true, true, "Answer: FORMERR")]
    public void AnUnknownFlagThatIsRejectedAnsweredWithoutOptOrEchoedIsMishandled(EdnsProbeOutcome outcome, bool hasOpt, bool echoed, string shown)
    {
        var flag = Compliance(EdnsProbeKind.UnknownFlag, outcome, hasOpt: hasOpt, echoed: echoed, detail: "FORMERR");

        var finding = Assert.Single(Analyze(VersionRejected, OptionIgnored, flag, TruncatedWithOpt).Findings);

        Assert.Equal((FindingCodes.EdnsUnknownFlagRejected, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Equal($"192.0.2.53 mishandled a query with an unknown EDNS flag ({shown}).", finding.Message);
        Assert.Contains("RFC 6891 §6.1.4", finding.Recommendation);
        Assert.Equal((outcome.ToString(), (object)"0x0080"), (finding.Evidence["Outcome"], finding.Evidence["Flag"]));
    }

    [Theory]
    [InlineData(EdnsProbeKind.UnknownOption, EdnsProbeOutcome.FormErr, "FORMERR from 192.0.2.53", "(FormErr: FORMERR from 192.0.2.53)")]
    [InlineData(EdnsProbeKind.UnknownOption, EdnsProbeOutcome.Timeout, null, "(Timeout)")]
    [InlineData(EdnsProbeKind.UnknownFlag, EdnsProbeOutcome.Timeout, null, "(Timeout)")]
    [InlineData(EdnsProbeKind.UnknownFlag, EdnsProbeOutcome.ServFail, "SERVFAIL", "(ServFail: SERVFAIL)")]
    public void AMishandledProbeShowsWhatCameBackAndTheProbesOwnDetailOnlyWhenThereIsOne(EdnsProbeKind kind, EdnsProbeOutcome outcome, string? detail, string shown)
    {
        var probe = Compliance(kind, outcome, size: outcome == EdnsProbeOutcome.Timeout ? 0 : 60, detail: detail);
        var others = new[] { VersionRejected, OptionIgnored, FlagIgnored, TruncatedWithOpt }.Where(p => p.Kind != kind);

        var finding = Assert.Single(Analyze(others.Append(probe).ToArray()).Findings);

        Assert.EndsWith(" " + shown + ".", finding.Message, System.StringComparison.Ordinal);
        Assert.Equal(outcome.ToString(), finding.Evidence["Outcome"]);
    }

    [Fact]
    public void ATruncatedAnswerWithoutOptIsReportedOnceAndWithholdsCompliance()
    {
        var truncated = Compliance(EdnsProbeKind.TruncatedOpt, EdnsProbeOutcome.Truncated, hasOpt: false);

        var finding = Assert.Single(Analyze(VersionRejected, OptionIgnored, FlagIgnored, truncated).Findings);

        Assert.Equal(FindingCodes.TruncatedWithoutOpt, finding.Code);
    }

    [Fact]
    public void TwoProblemsAreBothReportedAndNeitherCancelsTheOther()
    {
        var version = Compliance(EdnsProbeKind.UnknownVersion, EdnsProbeOutcome.Timeout, size: 0);
        var option = Compliance(EdnsProbeKind.UnknownOption, EdnsProbeOutcome.FormErr);
        var flag = Compliance(EdnsProbeKind.UnknownFlag, EdnsProbeOutcome.Timeout, size: 0);
        var truncated = Compliance(EdnsProbeKind.TruncatedOpt, EdnsProbeOutcome.Truncated, hasOpt: false);

        Assert.Equal(
            new[] { FindingCodes.EdnsVersionNotRejected, FindingCodes.EdnsUnknownOptionRejected },
            Analyze(version, option, FlagIgnored, TruncatedWithOpt).Findings.Select(f => f.Code));
        Assert.Equal(
            new[] { FindingCodes.TruncatedWithoutOpt, FindingCodes.EdnsUnknownFlagRejected },
            Analyze(VersionRejected, OptionIgnored, flag, truncated).Findings.Select(f => f.Code));
    }

    [Theory]
    [InlineData(EdnsProbeKind.UnknownVersion)]
    [InlineData(EdnsProbeKind.UnknownOption)]
    [InlineData(EdnsProbeKind.UnknownFlag)]
    [InlineData(EdnsProbeKind.TruncatedOpt)]
    public void AComplianceProbeThatWasNotSentIsNotJudged(EdnsProbeKind missing)
    {
        var sent = new[] { VersionRejected, OptionIgnored, FlagIgnored, TruncatedWithOpt }.Where(p => p.Kind != missing).ToArray();

        var finding = Assert.Single(Analyze(sent).Findings);

        Assert.Equal(FindingCodes.EdnsCompliant, finding.Code);
    }

    [Fact]
    public void WithoutComplianceProbesNothingIsSaidAboutCompliance()
    {
        var result = EdnsReachabilityAnalyzer.Analyze(Server, "example.test", new EdnsReachabilityOptions { Compliance = false }, Healthy(), 1);

        Assert.Empty(result.Findings);
    }

    private static readonly EdnsServerTarget Server = new(new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53));

    /// <summary>A server that answers every size over UDP and TCP completely: no finding but the compliance ones.</summary>
    private static EdnsProbe[] Healthy() => new[] { 0, 1232, 4096 }
        .Select(b => new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Udp, Edns = b > 0, BufferSize = b, Outcome = EdnsProbeOutcome.Answer, ResponseSize = 300, ResponseHasOpt = b > 0, AnswerCount = 1 })
        .Append(new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Tcp, Edns = true, BufferSize = 4096, Outcome = EdnsProbeOutcome.Answer, ResponseSize = 300, ResponseHasOpt = true, AnswerCount = 1 })
        .ToArray();

    private static EdnsProbe Compliance(EdnsProbeKind kind, EdnsProbeOutcome outcome, bool hasOpt = true, int size = 60, string? detail = null, bool echoed = false, int? version = null) => new()
    {
        Kind = kind,
        Transport = DnsTransport.Udp,
        Edns = true,
        BufferSize = 1232,
        Outcome = outcome,
        ResponseSize = size,
        ResponseHasOpt = hasOpt && size > 0,
        Detail = detail,
        EchoedUnknownOption = echoed && kind == EdnsProbeKind.UnknownOption,
        EchoedUnknownFlag = echoed && kind == EdnsProbeKind.UnknownFlag,
        ResponseEdnsVersion = version,
    };

    private static EdnsReachabilityResult Analyze(params EdnsProbe[] compliance) =>
        EdnsReachabilityAnalyzer.Analyze(Server, "example.test", new EdnsReachabilityOptions { Compliance = true }, Healthy().Concat(compliance).ToArray(), 1);
}
