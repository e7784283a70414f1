using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// Find-MtuBlackHole verdicts the MTU mutation run found unpinned: each envelope size's own outcome, when sizes the
/// sweep could not measure earn a SweepIncomplete warning and what it names, and a kernel route PMTU that is no more
/// than the interface MTU.
/// </summary>
public class SweepVerdictEdgeTests
{
    private const string Address = "192.0.2.25";

    [Fact]
    public void EachEnvelopeSizeGetsItsOwnOutcome()
    {
        var analysis = SweepAnalysis.From(new[]
        {
            Attempt(500, completed: true), Attempt(500, completed: true),
            Attempt(513), Attempt(513),
            Attempt(600, completed: true), Attempt(600),
            Attempt(700, notRun: true),
        });

        Assert.Equal(
            new[] { (500, SweepOutcome.Passed), (513, SweepOutcome.Lost), (600, SweepOutcome.Intermittent), (700, SweepOutcome.Inconclusive) },
            analysis.Entries.Select(e => (e.PayloadSize, e.Outcome)));
        Assert.False(analysis.ServerLimited);
    }

    [Fact]
    public void OneSessionEndedByAServerLimitMarksTheSweepServerLimited()
    {
        var analysis = SweepAnalysis.From(new[] { Attempt(500, completed: true), Attempt(600, notRun: true, serverLimit: true) });

        Assert.True(analysis.ServerLimited);
    }

    [Fact]
    public void NothingMeasuredAndNoServerLimitIsNotAnIncompleteSweep()
    {
        var sweep = SweepAnalysis.From(new[] { Attempt(500, notRun: true), Attempt(600, notRun: true) });

        Assert.DoesNotContain(Build(sweep), f => f.Code == FindingCodes.SweepIncomplete);
    }

    [Theory]
    [InlineData(true, true, false)] // one passing and one failing size
    [InlineData(false, false, true)] // only an intermittent size
    public void SizesLeftUnmeasuredBesideMeasuredOnesAreAnIncompleteSweep(bool passing, bool failing, bool intermittent)
    {
        var attempts = new List<SweepAttemptResult> { Attempt(900, notRun: true) };
        if (passing)
        {
            attempts.Add(Attempt(500, completed: true));
        }

        if (failing)
        {
            attempts.Add(Attempt(513));
        }

        if (intermittent)
        {
            attempts.Add(Attempt(600, completed: true));
            attempts.Add(Attempt(600));
        }

        var finding = Assert.Single(Build(SweepAnalysis.From(attempts)), f => f.Code == FindingCodes.SweepIncomplete);

        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(new[] { 900 }, (int[])finding.Evidence["InconclusivePayloadSizes"]);
    }

    [Fact]
    public void AnIncompleteSweepGivesTheReasonOfTheFirstUnmeasuredSizeAndWhetherTheServerLimitedIt()
    {
        var sweep = SweepAnalysis.From(new[]
        {
            Attempt(500, completed: true, detail: "measured"),
            Attempt(800, notRun: true, detail: "452 4.3.1 too many sessions", serverLimit: true),
            Attempt(900, notRun: true, detail: "later"),
        });

        var finding = Assert.Single(Build(sweep), f => f.Code == FindingCodes.SweepIncomplete);

        Assert.Equal("452 4.3.1 too many sessions", finding.Evidence["Detail"]);
        Assert.Equal(true, finding.Evidence["ServerLimited"]);
        Assert.Equal(new[] { 800, 900 }, (int[])finding.Evidence["InconclusivePayloadSizes"]);
        Assert.Contains("(800, 900): 452 4.3.1 too many sessions.", finding.Message);
    }

    [Fact]
    public void AnUnmeasuredSizeWithoutAReasonStillGetsOne()
    {
        var sweep = SweepAnalysis.From(new[] { Attempt(500, completed: true, detail: "measured"), Attempt(800, notRun: true) });

        var why = (string)Assert.Single(Build(sweep), f => f.Code == FindingCodes.SweepIncomplete).Evidence["Detail"];

        Assert.False(string.IsNullOrWhiteSpace(why));
        Assert.NotEqual("measured", why);
    }

    [Theory]
    [InlineData(1500, 1500, false)] // the route PMTU is the interface MTU: nothing was learned
    [InlineData(1400, null, true)] // no interface MTU known: a route PMTU below what crossed is still named
    public void AKernelRoutePmtuIsNamedOnlyBelowTheInterfaceMtu(int cached, int? localMtu, bool named)
    {
        var verdict = MtuVerdict.From(Ledger(Passed(cached)), 2, tooBigObservable: true);

        var finding = Assert.Single(MtuFindings.Build(new MtuFindingInputs { Address = Address, Verdict = verdict, VerdictMethod = MtuProbeMethod.Tcp, Local = new LocalPathInfo { RoutePmtu = cached, LocalMtu = localMtu } }));

        Assert.Equal(FindingCodes.PmtudWorking, finding.Code);
        Assert.Equal(named, finding.Evidence.ContainsKey("CachedRoutePmtu"));
        Assert.Equal("Tcp", finding.Evidence["Method"]);
    }

    private static List<Finding> Build(SweepAnalysis sweep) => MtuFindings.Build(new MtuFindingInputs { Address = Address, Port = 25, Sweep = sweep });

    private static SweepAttemptResult Attempt(int size, bool completed = false, bool notRun = false, string? detail = null, bool serverLimit = false) => new()
    {
        Detail = detail,
        ServerLimit = serverLimit,
        PayloadSize = size,
        Attempt = 1,
        Completed = completed,
        CouldNotRun = notRun,
        Commands = 11,
        RepliesReceived = completed ? 11 : notRun ? 0 : 3,
    };

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
}
