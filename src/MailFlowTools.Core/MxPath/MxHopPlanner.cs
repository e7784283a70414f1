using System;
using System.Collections.Generic;
using System.Net;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Turns the resolver's ordered MX targets into the ordered list of addresses a compliant sender tries:
/// hosts in resolver order (preference, then the seeded shuffle), and within a host its addresses of the
/// requested family. With Any, IPv6 and IPv4 alternate starting with IPv6: RFC 6724's default policy prefers
/// IPv6, and alternating (RFC 8305 §4) means one broken family never hides the other.
/// </summary>
internal static class MxHopPlanner
{
    public static List<MxHopPlan> Plan(MxPathResolution resolution, MxAddressFamily family)
    {
        var plans = new List<MxHopPlan>();
        foreach (var target in resolution.Targets)
        {
            // RFC 5321 §5.1: the MX target must be a name; a sender looks it up as one and finds nothing.
            if (target.IsAddressLiteral)
            {
                continue;
            }

            foreach (var (address, addressFamily) in AddressesOf(target, family))
            {
                plans.Add(new MxHopPlan(plans.Count + 1, target, address, addressFamily));
            }
        }

        return plans;
    }

    public static IEnumerable<(IPAddress Address, MxAddressFamily Family)> AddressesOf(MxPathTarget target, MxAddressFamily family)
    {
        var v6 = family == MxAddressFamily.IPv4 ? Array.Empty<IPAddress>() : target.IPv6Addresses;
        var v4 = family == MxAddressFamily.IPv6 ? Array.Empty<IPAddress>() : target.IPv4Addresses;
        for (var i = 0; i < Math.Max(v6.Length, v4.Length); i++)
        {
            if (i < v6.Length)
            {
                yield return (v6[i], MxAddressFamily.IPv6);
            }

            if (i < v4.Length)
            {
                yield return (v4[i], MxAddressFamily.IPv4);
            }
        }
    }
}
