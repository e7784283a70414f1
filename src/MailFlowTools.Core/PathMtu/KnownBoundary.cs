using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// When the path has told the answer, a round need not wait for its remaining probes: a "too big" named the MTU M,
/// size M crossed, M + 1 drew that "too big", and no probe of M + 1 bytes or less is still out. The probes still
/// out are all larger than M + 1: whatever becomes of them, the boundary stays M / M + 1 (they would only say how
/// often the router answers "too big", which the search does not need).
/// </summary>
internal static class KnownBoundary
{
    public static bool IsKnown(IReadOnlyList<PendingProbe> probes)
    {
        var done = probes.Where(p => p.Task.IsCompleted).Select(p => p.Task.Result).ToList();
        foreach (var tooBig in done.Where(a => a.Outcome == MtuProbeOutcome.TooBig && a.ReportedMtu is > 0 && a.Size == a.ReportedMtu + 1))
        {
            var mtu = tooBig.ReportedMtu!.Value;
            if (done.Any(a => a.Outcome == MtuProbeOutcome.Passed && a.Size == mtu)
                && !probes.Any(p => !p.Task.IsCompleted && p.Request.Size <= mtu + 1))
            {
                return true;
            }
        }

        return false;
    }
}
