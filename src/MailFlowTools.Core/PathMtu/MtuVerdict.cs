using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.PathMtu;

/// <summary>What a finished search says about the path: the boundary, whether it was reported, and anomalies.</summary>
internal sealed class MtuVerdict
{
    public int? LargestPassed { get; private set; }

    public int? SmallestLost { get; private set; }

    /// <summary>The boundary is exact: the size just above the largest passing one was probed and failed.</summary>
    public bool Exact { get; private set; }

    /// <summary>Failures at the boundary were confirmed by enough attempts (or by a "too big" error).</summary>
    public bool Confirmed { get; private set; }

    public bool TooBigSeen { get; private set; }

    public int? ReportedNextHopMtu { get; private set; }

    public string? ReportedBy { get; private set; }

    /// <summary>Oversize probes vanished and the path never said "too big".</summary>
    public bool BlackHole { get; private set; }

    /// <summary>Nothing crossed at all.</summary>
    public bool NoAnswer { get; private set; }

    /// <summary>Sizes that kept failing although a larger size crossed.</summary>
    public IReadOnlyList<int> FailedBelowPassed { get; private set; } = new List<int>();

    /// <summary>Largest size the local stack would send (interface MTU or capped segments).</summary>
    public int Ceiling { get; private set; }

    public int BoundaryAttempts { get; private set; }

    /// <summary>The smallest failing size just vanished (no "too big" for it): a black hole, or a filter on large probes.</summary>
    public bool BoundarySilent { get; private set; }

    public static MtuVerdict From(SizeLedger ledger, int lossConfirmations, bool tooBigObservable)
    {
        var v = new MtuVerdict
        {
            LargestPassed = ledger.LargestPassed,
            SmallestLost = ledger.SmallestFailedAbovePassed,
            Ceiling = ledger.Ceiling,
            NoAnswer = !ledger.AnyPassed,
            FailedBelowPassed = ledger.FailedBelowPassed,
        };

        var tooBig = ledger.Attempts.Where(a => a.Outcome == MtuProbeOutcome.TooBig).ToList();
        v.TooBigSeen = tooBig.Count > 0;
        var reported = tooBig.Where(a => a.ReportedMtu is > 0).OrderBy(a => a.ReportedMtu).FirstOrDefault();
        v.ReportedNextHopMtu = reported?.ReportedMtu;
        v.ReportedBy = reported?.ReportedBy ?? tooBig.FirstOrDefault(a => a.ReportedBy is not null)?.ReportedBy;

        if (v.SmallestLost is { } hi)
        {
            var record = ledger[hi]!;
            v.BoundaryAttempts = record.Attempts;
            v.BoundarySilent = record.Status == SizeStatus.Lost && record.Lost > 0;
            v.Exact = v.LargestPassed is { } lo && hi == lo + 1;
            v.Confirmed = record.Status == SizeStatus.TooBig || record.Failures >= lossConfirmations;
            var lostAbove = ledger.Sizes.Where(kv => kv.Key >= hi && kv.Key <= ledger.Ceiling).All(kv => kv.Value.Status is SizeStatus.Lost or SizeStatus.Unknown);
            v.BlackHole = tooBigObservable && !v.TooBigSeen && v.LargestPassed is not null && record.Status == SizeStatus.Lost
                && record.Lost > 0 && lostAbove;
        }

        return v;
    }
}
