using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Pure: walks the hops in sender order once per kind of sender. A plain sender takes the first hop that works;
/// an MTA-STS sender in enforce mode and a DANE sender also skip every hop their policy refuses.
/// </summary>
public static class SenderVerdicts
{
    public static SenderVerdict Plain(IReadOnlyList<MxPathHop> hops, MxPathHop? selected)
    {
        if (selected is { Outcome: MxHopOutcome.Ok })
        {
            return new SenderVerdict { Sender = SenderKind.Plain, Delivers = true, Exchange = selected.Exchange, Address = selected.Address, Policy = "opportunistic TLS, no policy", Reason = "the first MX hop that works, in RFC 5321 order" };
        }

        return new SenderVerdict { Sender = SenderKind.Plain, Delivers = false, Policy = "opportunistic TLS, no policy", Reason = selected is null ? "no MX hop accepted a session" : "the MX refuses the recipient", SenderStatus = selected?.Detail };
    }

    public static SenderVerdict MtaSts(IReadOnlyList<MxPathHop> hops, MxPathHop? selected, TlsPolicyDiscovery discovery)
    {
        var sts = discovery.MtaSts;
        if (discovery.Policy is not { Mode: MtaStsMode.Enforce } policy)
        {
            var plain = Plain(hops, selected);
            var why = sts.Status == MtaStsStatus.Valid
                ? "MTA-STS " + sts.Mode.ToString().ToLowerInvariant() + " (id " + sts.RecordId + "): delivers as a plain sender would, and only reports failures"
                : sts.Status == MtaStsStatus.NotPublished ? "no MTA-STS policy" : "no usable MTA-STS policy (" + sts.Status + "), so none is applied unless one is cached";
            return new SenderVerdict { Sender = SenderKind.MtaSts, Delivers = plain.Delivers, Exchange = plain.Exchange, Address = plain.Address, Policy = why, Reason = plain.Reason, SenderStatus = plain.SenderStatus };
        }

        var label = "MTA-STS enforce (id " + sts.RecordId + ", mx " + string.Join(", ", policy.Mx) + ")";
        return Walk(SenderKind.MtaSts, hops, label, h => h.Tls?.MtaStsAccepts);
    }

    public static SenderVerdict Dane(IReadOnlyList<MxPathHop> hops, MxPathHop? selected, TlsPolicyDiscovery discovery)
    {
        if (!discovery.DaneApplies)
        {
            var plain = Plain(hops, selected);
            var why = discovery.Dane.Any(d => d.Status == DaneStatus.Insecure) ? "no DANE: the TLSA answers are not DNSSEC-authenticated" : "no DANE: no MX host has TLSA records";
            return new SenderVerdict { Sender = SenderKind.Dane, Delivers = plain.Delivers, Exchange = plain.Exchange, Address = plain.Address, Policy = why, Reason = plain.Reason, SenderStatus = plain.SenderStatus };
        }

        var hosts = discovery.Dane.Where(d => d.Status is DaneStatus.Secure or DaneStatus.Bogus or DaneStatus.LookupFailed).Select(d => d.Exchange + " " + d.Status);
        return Walk(SenderKind.Dane, hops, "DANE (" + string.Join(", ", hosts) + ")", h => h.Tls?.DaneAccepts);
    }

    private static SenderVerdict Walk(SenderKind kind, IReadOnlyList<MxPathHop> hops, string policy, System.Func<MxPathHop, bool?> accepts)
    {
        string? firstRefusal = null;
        foreach (var hop in hops.OrderBy(h => h.Order))
        {
            var verdict = accepts(hop);
            if (verdict == false)
            {
                firstRefusal ??= hop.Tls?.SenderStatus;
                continue;
            }

            if (hop.Outcome == MxHopOutcome.Ok)
            {
                return new SenderVerdict { Sender = kind, Delivers = true, Exchange = hop.Exchange, Address = hop.Address, Policy = policy, Reason = firstRefusal is null ? "the first MX hop that works passes the policy" : "earlier hops fail the policy (" + firstRefusal + "); this one passes" };
            }

            if (hop.Outcome == MxHopOutcome.RecipientRejected)
            {
                return new SenderVerdict { Sender = kind, Delivers = false, Exchange = hop.Exchange, Address = hop.Address, Policy = policy, Reason = "the MX refuses the recipient", SenderStatus = hop.Detail };
            }
        }

        return new SenderVerdict
        {
            Sender = kind,
            Delivers = false,
            Policy = policy,
            Reason = firstRefusal is null ? "no MX hop both works and passes the policy" : "no MX hop both works and passes the policy; the mail stays queued and is retried until it expires",
            SenderStatus = firstRefusal,
        };
    }
}
