using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Chooses which IP packet sizes to probe in each round. The first round covers the whole range at once
/// (the usual MTU plateaus, each with its +1 neighbour, and a grid); later rounds fill the remaining gap
/// between the largest size that crossed and the smallest that did not, byte by byte when it is small enough.
/// </summary>
internal static class SizePlanner
{
    /// <summary>MTUs seen in practice: RFC 1191's table plus tunnels (PPPoE 1492, IPIP 1480, GRE 1476, VXLAN 1450, WireGuard 1420, IPsec 1400...).</summary>
    public static readonly int[] Plateaus =
    {
        68, 296, 508, 576, 1006, 1280, 1380, 1400, 1420, 1440, 1450, 1460, 1472, 1476, 1480, 1492, 1500,
        2002, 4352, 8166, 9000, 17914, 32000, 65535,
    };

    /// <param name="gridPoints">Evenly spaced sizes between min and max besides the plateaus (0 for none).</param>
    /// <param name="neighbourCopies">Copies of each plateau's +1 neighbour: with 2 the loss just above a plateau is confirmed in the same round.</param>
    public static List<int> FirstRound(int min, int max, int gridPoints, int neighbourCopies)
    {
        if (max < min)
        {
            return new List<int>();
        }

        var once = new SortedSet<int> { min, max };
        var neighbours = new SortedSet<int>();
        foreach (var p in Plateaus)
        {
            if (p >= min && p <= max)
            {
                once.Add(p);
                if (p + 1 <= max)
                {
                    neighbours.Add(p + 1);
                }
            }
        }

        if (gridPoints > 0 && max - min > 1)
        {
            var step = (double)(max - min) / (gridPoints + 1);
            for (var i = 1; i <= gridPoints; i++)
            {
                once.Add(min + (int)Math.Round(i * step));
            }
        }

        var plan = new List<int>();
        foreach (var size in once.Union(neighbours).OrderBy(s => s))
        {
            var copies = neighbours.Contains(size) ? Math.Max(1, neighbourCopies) : 1;
            for (var c = 0; c < copies; c++)
            {
                plan.Add(size);
            }
        }

        return plan;
    }

    /// <summary>
    /// The next round's sizes (a size appears once per copy), or an empty list when the search is done.
    /// </summary>
    /// <param name="retryBoundaryWithGap">Also retry the smallest failed size while the gap is still being filled (ICMP: cheap, saves a round).</param>
    public static List<int> NextRound(SizeLedger ledger, int fanOut, int lossConfirmations, bool retryBoundaryWithGap)
    {
        var plan = new List<int>();
        var lo = ledger.LargestPassed;
        var hi = ledger.SmallestFailedAbovePassed;

        if (lo is null)
        {
            // Nothing crossed yet: confirm the smallest sizes before calling the path silent,
            // and try the MTU a "too big" error named.
            foreach (var kv in ledger.Sizes.Where(kv => kv.Key <= ledger.Ceiling && kv.Value.Status == SizeStatus.Lost).Take(2))
            {
                AddCopies(plan, kv.Key, lossConfirmations - kv.Value.Failures);
            }

            foreach (var hint in Hints(ledger).Where(h => h >= ledger.MinSize && h <= ledger.Ceiling && ledger.AttemptsOf(h) == 0))
            {
                plan.Add(hint);
            }

            return plan;
        }

        var upper = hi ?? ledger.Ceiling + 1;
        var gap = new List<int>();
        for (var s = lo.Value + 1; s < upper; s++)
        {
            var record = ledger[s];
            if (record is null || (record.Status == SizeStatus.Unknown && record.Attempts < 2))
            {
                gap.Add(s);
            }
        }

        if (gap.Count <= fanOut)
        {
            // The last fill: when the path has not been saying "too big", the new boundary will be a silent loss
            // that needs confirming, so send each size as often as a loss must be seen (saves a round).
            var copies = retryBoundaryWithGap && !ledger.Attempts.Any(a => a.Outcome == MtuProbeOutcome.TooBig) ? Math.Max(1, lossConfirmations) : 1;
            foreach (var s in gap)
            {
                AddCopies(plan, s, copies);
            }
        }
        else
        {
            var picked = new SortedSet<int>();
            var span = upper - lo.Value;
            for (var i = 1; i <= fanOut; i++)
            {
                picked.Add(lo.Value + (int)Math.Round((double)i * span / (fanOut + 1)));
            }

            foreach (var hint in Hints(ledger))
            {
                if (hint > lo && hint < upper)
                {
                    picked.Add(hint);
                }

                if (hint + 1 > lo && hint + 1 < upper)
                {
                    picked.Add(hint + 1);
                }
            }

            plan.AddRange(picked.Where(s => ledger.AttemptsOf(s) == 0));
        }

        if (hi is { } h && (retryBoundaryWithGap || plan.Count == 0))
        {
            var record = ledger[h]!;
            if (record.Status == SizeStatus.Lost)
            {
                AddCopies(plan, h, lossConfirmations - record.Failures);
            }
        }

        foreach (var s in ledger.FailedBelowPassed)
        {
            AddCopies(plan, s, lossConfirmations - ledger[s]!.Failures);
        }

        plan.Sort();
        return plan;
    }

    private static IEnumerable<int> Hints(SizeLedger ledger) =>
        ledger.Attempts.Where(a => a.Outcome == MtuProbeOutcome.TooBig && a.ReportedMtu is > 0).Select(a => a.ReportedMtu!.Value).Distinct();

    private static void AddCopies(List<int> plan, int size, int copies)
    {
        for (var i = 0; i < copies; i++)
        {
            plan.Add(size);
        }
    }
}
