using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>
/// The advertised-buffer threshold that best separates UDP answers that arrived (at or below it) from answers that
/// were lost (above it), like a one-dimensional decision stump. A stray loss below the threshold (congestion, rate
/// limiting) is counted as a misfit instead of hiding size-dependent loss.
/// </summary>
internal sealed class EdnsSizeSplit
{
    private EdnsSizeSplit(int largestWorkingBuffer, IReadOnlyList<EdnsProbe> lostAbove, int misfits)
    {
        LargestWorkingBuffer = largestWorkingBuffer;
        LostAbove = lostAbove;
        Misfits = misfits;
    }

    /// <summary>The largest EDNS buffer whose answer arrived, at the threshold.</summary>
    public int LargestWorkingBuffer { get; }

    public IReadOnlyList<EdnsProbe> LostAbove { get; }

    public int SmallestLostBuffer => LostAbove.Min(p => p.EffectiveBufferSize);

    /// <summary>Probes on the wrong side: lost at or below the threshold, or arrived above it.</summary>
    public int Misfits { get; }

    /// <summary>Null when nothing was lost, nothing arrived, or loss does not follow size (too many misfits).</summary>
    public static EdnsSizeSplit? Find(IReadOnlyList<EdnsProbe> sizeProbes)
    {
        var lost = sizeProbes.Where(p => p.Outcome == EdnsProbeOutcome.Timeout).ToList();
        var arrived = sizeProbes.Where(p => p.Arrived).ToList();
        if (lost.Count == 0 || arrived.Count == 0)
        {
            return null;
        }

        EdnsSizeSplit? best = null;
        foreach (var threshold in arrived.Where(p => p.Edns).Select(p => p.EffectiveBufferSize).Distinct().OrderByDescending(b => b))
        {
            var above = lost.Where(p => p.EffectiveBufferSize > threshold).ToList();
            if (above.Count == 0)
            {
                continue;
            }

            var misfits = arrived.Count(p => p.EffectiveBufferSize > threshold) + lost.Count(p => p.EffectiveBufferSize <= threshold);
            if (best is null || misfits < best.Misfits)
            {
                best = new EdnsSizeSplit(threshold, above, misfits);
            }
        }

        return best is not null && best.Misfits <= Math.Max(1, sizeProbes.Count / 10) ? best : null;
    }
}
