using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// What Find-MtuBlackHole says for each measured situation: the working-path variants, the black hole's wording
/// and evidence, ICMP that may not or does not run, an unusable SMTP server, and envelope sizes that could not be
/// judged.
/// </summary>
public class MtuFindingWordingTests
{
    private const string Address = "192.0.2.25";

    [Fact]
    public void TooBigErrorsMeanTheDiscoveryWorksAndNameTheNextHop()
    {
        var verdict = Verdict(Passed(1400), TooBig(1401, 1400, "192.0.2.1"));

        var finding = Assert.Single(Build(verdict));

        Assert.Equal((FindingCodes.PmtudWorking, FindingSeverity.Info), (finding.Code, finding.Severity));
        Assert.Equal($"Path MTU discovery works towards {Address}: packets above 1400 bytes draw a 'too big' error (next-hop MTU 1400 from 192.0.2.1), so senders adapt.", finding.Message);
        Assert.Equal((1400, (object)1400, (object)"192.0.2.1"), ((int)finding.Evidence["PathMtu"], finding.Evidence["ReportedNextHopMtu"], finding.Evidence["ReportedBy"]));
    }

    [Fact]
    public void ATooBigErrorWithoutANextHopMtuSaysSo()
    {
        var finding = Assert.Single(Build(Verdict(Passed(1400), TooBig(1401, null, null))));

        Assert.Equal($"Path MTU discovery works towards {Address}: packets above 1400 bytes draw a 'too big' error, so senders adapt.", finding.Message);
        Assert.Equal("not given", finding.Evidence["ReportedNextHopMtu"]);
        Assert.False(finding.Evidence.ContainsKey("ReportedBy"));
    }

    [Fact]
    public void FullSizePacketsCrossing()
    {
        var finding = Assert.Single(Build(Verdict(Passed(1500))));

        Assert.Equal($"Full-size 1500-byte packets cross the path to {Address}: nothing below the local MTU limits it.", finding.Message);
        Assert.Equal("No path MTU action needed.", finding.Recommendation);
    }

    [Theory]
    [InlineData(1400, 1500, true)] // a route PMTU below the interface MTU: the kernel learned it
    [InlineData(1500, 1500, false)] // equal to the interface MTU: nothing learned
    [InlineData(1450, 1500, false)] // above what crossed: not what this run measured
    public void AKernelRoutePmtuBelowTheInterfaceMtuIsNamed(int cached, int localMtu, bool named)
    {
        var finding = Assert.Single(Build(Verdict(Passed(1400)), new LocalPathInfo { RoutePmtu = cached, LocalMtu = localMtu }));

        Assert.Equal(named, finding.Message.StartsWith($"This host's kernel already knows path MTU {cached} for {Address}", System.StringComparison.Ordinal));
        Assert.Equal(named, finding.Evidence.ContainsKey("CachedRoutePmtu"));
    }

    [Fact]
    public void LossAboveWithoutABlackHolePatternIsStillWorking()
    {
        // Larger sizes failed, but a "too big" cannot be observed here, so no black hole is claimed.
        var ledger = Ledger(Passed(1400), Lost(1401), Lost(1401, 2));
        var finding = Assert.Single(Build(MtuVerdict.From(ledger, 2, tooBigObservable: false)));

        Assert.Equal($"Packets up to 1400 bytes cross the path to {Address}; larger ones failed without a clear black-hole pattern.", finding.Message);
    }

    [Theory]
    [InlineData(1401, "1400-byte packets cross, 1401-byte packets vanish (2 attempts)", true)]
    [InlineData(1420, "packets up to 1400 bytes cross, 1420-byte packets vanish (2 attempts)", false)]
    public void ABlackHoleSaysWhetherTheBoundaryIsExact(int lost, string words, bool exact)
    {
        var verdict = MtuVerdict.From(Ledger(Passed(1400), Lost(lost), Lost(lost, 2)), 2, tooBigObservable: true);

        var finding = Assert.Single(MtuFindings.Build(new MtuFindingInputs
        {
            Address = Address,
            Verdict = verdict,
            VerdictMethod = MtuProbeMethod.Tcp,
            ConfirmedByTcp = true,
            Local = new LocalPathInfo { LocalMtu = 1500 },
        }));

        Assert.Equal(FindingCodes.PmtudBlackHole, finding.Code);
        Assert.Equal($"Path MTU discovery black hole towards {Address}: {words} and no ICMP type 3 code 4 ('fragmentation needed') comes back. Small mail gets through, large mail stalls after DATA.", finding.Message);
        Assert.Equal(
            new Dictionary<string, object> { ["PathMtu"] = 1400, ["SmallestLostSize"] = lost, ["AttemptsAtSmallestLost"] = 2, ["Exact"] = exact, ["Method"] = "Tcp", ["LocalMtu"] = 1500, ["ConfirmedByTcp"] = true },
            finding.Evidence);
    }

    [Fact]
    public void NoIcmpPrivilegeIsExplainedWithTheFallback()
    {
        var finding = Assert.Single(MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, IcmpNotPermitted = "EPERM" }));

        Assert.Equal((FindingCodes.IcmpNotPermitted, FindingSeverity.Info), (finding.Code, finding.Severity));
        Assert.Contains("TCP segments to port 25 (-Method Tcp)", finding.Message);
        Assert.Contains("CAP_NET_RAW", finding.Recommendation);
        Assert.Equal(new Dictionary<string, object> { ["Fallback"] = "Tcp", ["Port"] = 25, ["Reason"] = "EPERM" }, finding.Evidence);
    }

    [Theory]
    [InlineData(true, " Measured over TCP port 25 instead.")]
    [InlineData(false, "")]
    public void UnansweredEchoSaysWhetherTcpMeasuredInstead(bool tcpRan, string tail)
    {
        var finding = Assert.Single(MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, IcmpUnanswered = true, TcpRan = tcpRan }));

        Assert.Equal(FindingCodes.IcmpFiltered, finding.Code);
        Assert.Equal($"ICMP echo to {Address} gets no reply at any size: it is filtered or dropped on the path or by the host.{tail}", finding.Message);
        Assert.Equal("Nothing to fix for mail; use -Method Tcp for this host.", finding.Recommendation);
        Assert.Equal(new Dictionary<string, object> { ["Method"] = "Icmp" }, finding.Evidence);
    }

    [Fact]
    public void AFilterOnLargeEchoRequestsIsNotABlackHole()
    {
        var finding = Assert.Single(MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, IcmpEchoLimit = 1000 }));

        Assert.Equal(FindingCodes.IcmpFiltered, finding.Code);
        Assert.StartsWith($"ICMP echo requests to {Address} larger than 1000 bytes vanish", finding.Message, System.StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, object> { ["LargestEchoThatCrossed"] = 1000 }, finding.Evidence);
    }

    [Fact]
    public void AnSmtpServerThatCouldNotBeUsedIsReportedOnlyWhenNothingWasMeasured()
    {
        var unusable = MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, TcpRan = true, TcpFailure = "connection refused" });
        var finding = Assert.Single(unusable);
        Assert.Equal((FindingCodes.ServerUnreachable, FindingSeverity.Error), (finding.Code, finding.Severity));
        Assert.Equal($"The SMTP server at {Address} port 25 is unreachable: it could not be used for the measurement (connection refused), so the path could not be measured over TCP.", finding.Message);
        Assert.Equal(new Dictionary<string, object> { ["Server"] = $"The SMTP server at {Address} port 25", ["Port"] = 25, ["Outcome"] = "connection refused", ["Detail"] = "it could not be used for the measurement (connection refused), so the path could not be measured over TCP" }, finding.Evidence);

        var measured = MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, TcpRan = true, TcpFailure = "reset later", Verdict = Verdict(Passed(1500)) });
        Assert.DoesNotContain(measured, f => f.Code == FindingCodes.ServerUnreachable);

        var nothingCrossed = MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, TcpRan = true, TcpFailure = "no banner", Verdict = Verdict(Lost(600)) });
        Assert.Contains(nothingCrossed, f => f.Code == FindingCodes.ServerUnreachable);
    }

    [Fact]
    public void EnvelopeSizesThatCouldNotBeJudgedAreNamed()
    {
        var sweep = SweepAnalysis.From(new[]
        {
            new SweepAttemptResult { PayloadSize = 500, Attempt = 1, Completed = true, Commands = 11, RepliesReceived = 11 },
            new SweepAttemptResult { PayloadSize = 513, Attempt = 1, Commands = 11, RepliesReceived = 3 },
            new SweepAttemptResult { PayloadSize = 600, Attempt = 1, Completed = true, Commands = 11, RepliesReceived = 11 },
            new SweepAttemptResult { PayloadSize = 700, Attempt = 1, CouldNotRun = true, Commands = 11, Detail = "connect timed out" },
        });

        var findings = MtuFindings.Build(new MtuFindingInputs { Address = Address, Sweep = sweep });
        Assert.Equal(new[] { FindingCodes.SizeSpecificLoss, FindingCodes.SweepIncomplete }, findings.Select(f => f.Code).ToArray());
        // The unmeasured size is never a pass: besides the loss, it gets its own warning.
        Assert.Equal(new[] { 700 }, findings[1].Evidence["InconclusivePayloadSizes"] as int[]);
        var finding = findings[0];

        Assert.Equal(FindingCodes.SizeSpecificLoss, finding.Code);
        Assert.EndsWith("something on the path loses particular segment sizes (1 other sizes could not be judged: connect timed out).", finding.Message, System.StringComparison.Ordinal);
        Assert.Equal(new[] { 700 }, (int[])finding.Evidence["NotJudgedPayloadSizes"]);
        Assert.Equal(new[] { 513 }, (int[])finding.Evidence["FailingPayloadSizes"]);
        Assert.Equal(new[] { 500, 600 }, (int[])finding.Evidence["PassingPayloadSizes"]);
        Assert.Equal(true, finding.Evidence["NonMonotonic"]);
        Assert.Equal(new Dictionary<string, object> { ["513"] = "3 of 11" }, finding.Evidence["RepliesReceived"]);
        Assert.False(finding.Evidence.ContainsKey("PassingNeighbours")); // no passing size is 512 or 514
    }

    [Theory]
    [InlineData(1, ", after a suspected black hole", false, FindingSeverity.Info)]
    [InlineData(2, ", always", false, FindingSeverity.Info)]
    [InlineData(1, ", after a suspected black hole", true, FindingSeverity.Warning)]
    public void KernelMtuProbingIsAWarningOnlyBesideABlackHole(int probing, string when, bool blackHole, FindingSeverity severity)
    {
        var verdict = blackHole
            ? MtuVerdict.From(Ledger(Passed(1400), Lost(1401), Lost(1401, 2)), 2, tooBigObservable: true)
            : Verdict(Passed(1500));

        var finding = Assert.Single(Build(verdict, new LocalPathInfo { KernelTcpMtuProbing = probing }), f => f.Code == FindingCodes.KernelMtuProbingActive);

        Assert.Equal(severity, finding.Severity);
        Assert.Equal($"This host's TCP does its own path MTU probing (RFC 4821, net.ipv4.tcp_mtu_probing = {probing}{when}): its own sessions recover from a black hole after a stall, so mail sent from here can work while other senders fail.", finding.Message);
        Assert.StartsWith("Judge the path by these probes", finding.Recommendation, System.StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, object> { ["net.ipv4.tcp_mtu_probing"] = probing }, finding.Evidence);
    }

    [Fact]
    public void EveryEnvelopeSizeFromOnePointUpFailingIsASizeLimit()
    {
        var sweep = SweepAnalysis.From(new[]
        {
            new SweepAttemptResult { PayloadSize = 500, Attempt = 1, Completed = true, Commands = 11, RepliesReceived = 11 },
            new SweepAttemptResult { PayloadSize = 1400, Attempt = 1, Commands = 11, RepliesReceived = 4 },
            new SweepAttemptResult { PayloadSize = 1500, Attempt = 1, Commands = 11, RepliesReceived = 2 },
        });

        var finding = Assert.Single(MtuFindings.Build(new MtuFindingInputs { Address = Address, Sweep = sweep }));

        Assert.Equal((FindingCodes.SizeSpecificLoss, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Equal($"Every envelope write of 1400 bytes or more to {Address} got no complete reply, while smaller ones worked: this looks like a size limit on the path rather than loss of particular sizes.", finding.Message);
        Assert.StartsWith("Run Find-MtuBlackHole -Method Tcp", finding.Recommendation, System.StringComparison.Ordinal);
        Assert.Equal(false, finding.Evidence["NonMonotonic"]);
    }

    private static List<Finding> Build(MtuVerdict verdict, LocalPathInfo? local = null) =>
        MtuFindings.Build(new MtuFindingInputs { Address = Address, Verdict = verdict, VerdictMethod = MtuProbeMethod.Icmp, Local = local });

    private static MtuVerdict Verdict(params MtuProbeAttempt[] attempts) => MtuVerdict.From(Ledger(attempts), 2, tooBigObservable: true);

    private static SizeLedger Ledger(params MtuProbeAttempt[] attempts)
    {
        var ledger = new SizeLedger(68, 1500);
        foreach (var a in attempts)
        {
            ledger.Add(a);
        }

        return ledger;
    }

    private static MtuProbeAttempt Passed(int size) => new() { Size = size, RequestedSize = size, Outcome = MtuProbeOutcome.Passed };

    private static MtuProbeAttempt Lost(int size, int attempt = 1) => new() { Size = size, RequestedSize = size, Outcome = MtuProbeOutcome.Lost, Attempt = attempt };

    private static MtuProbeAttempt TooBig(int size, int? mtu, string? by) => new() { Size = size, RequestedSize = size, Outcome = MtuProbeOutcome.TooBig, ReportedMtu = mtu, ReportedBy = by };
}
