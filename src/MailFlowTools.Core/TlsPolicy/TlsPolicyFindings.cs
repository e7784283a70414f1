using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>Pure: the TLS-policy findings of one domain, each with its evidence and one recommendation.</summary>
public static class TlsPolicyFindings
{
    public static IEnumerable<Finding> Build(string domain, TlsPolicyDiscovery d, IReadOnlyList<MxPathHop> hops, IReadOnlyList<string> exchanges, SenderVerdict sts, SenderVerdict dane)
    {
        var enforce = d.Policy is { Mode: MtaStsMode.Enforce };
        var tried = hops.Where(h => h.Tls is not null).ToList();

        foreach (var g in tried.Where(h => h.Tls!.StartTlsMasked).GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase))
        {
            var hop = g.First();
            var strict = PolicyRequiresTls(d, hop.Exchange);
            var consequence = strict ? " The domain's policy requires TLS here, so policy senders defer the mail." : " Senders fall back to plain text, and MTA-STS or DANE senders defer.";
            yield return Make(strict, FindingCodes.StartTlsStripped,
                F("{0} [{1}] answered EHLO with '250-{2}' where STARTTLS belongs: a device on the path (an ESMTP inspection such as Cisco ASA's) masks the STARTTLS offer.{3}", hop.Exchange, hop.Address, hop.Tls!.MaskedKeyword, consequence),
                F("Stop the firewall in front of {0} from masking STARTTLS (on a Cisco ASA: allow STARTTLS in the ESMTP inspection policy map, or take port 25 out of ESMTP inspection), so senders see the server's offer.", hop.Exchange),
                Ev(("Exchange", hop.Exchange), ("Address", string.Join(", ", g.Select(h => h.Address))), ("MaskedLine", "250-" + hop.Tls.MaskedKeyword), ("BannerMasked", g.Any(h => h.BannerMasked)), ("ResultType", "starttls-not-supported")));
        }

        foreach (var g in tried.Where(h => h.StartTlsOffered == false && !h.Tls!.StartTlsMasked && PolicyRequiresTls(d, h.Exchange)).GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase))
        {
            var hop = g.First();
            yield return Finding.Error(FindingCodes.StartTlsNotOffered,
                F("{0} [{1}] does not offer STARTTLS (its EHLO reply has no STARTTLS line and no masked one), and the domain's policy requires TLS there, so policy senders defer the mail.", hop.Exchange, hop.Address),
                F("Enable STARTTLS on {0} with a certificate valid for that name.", hop.Exchange),
                Ev(("Exchange", hop.Exchange), ("Address", string.Join(", ", g.Select(h => h.Address))), ("ResultType", "starttls-not-supported")));
        }

        if (d.StsApplies)
        {
            var policy = d.Policy!;
            var excluded = exchanges.Where(x => !MtaStsPattern.MatchesAny(policy.Mx, x)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (excluded.Count > 0)
            {
                var onlyWayIn = enforce && !sts.Delivers;
                yield return Make(onlyWayIn, FindingCodes.MtaStsPolicyExcludesMx,
                    F("The MTA-STS policy of {0} ({1}, id {2}) lists mx {3}, which leaves out its MX host{4} {5}: an enforcing sender never delivers there{6}.",
                        domain, policy.Mode.ToString().ToLowerInvariant(), d.MtaSts.RecordId, string.Join(", ", policy.Mx), excluded.Count == 1 ? string.Empty : "s", string.Join(", ", excluded),
                        onlyWayIn ? ", and no other MX hop both works and passes, so the mail stays queued" : string.Empty),
                    F("Add 'mx: {0}' to the policy at {1} and change the id in the _mta-sts.{2} TXT record, so senders fetch the new policy.", excluded[0], d.MtaSts.PolicyUrl, domain),
                    Ev(("Excluded", string.Join(", ", excluded)), ("Patterns", string.Join(", ", policy.Mx)), ("Mode", policy.Mode.ToString()), ("PolicyId", d.MtaSts.RecordId ?? string.Empty), ("PolicyUrl", d.MtaSts.PolicyUrl ?? string.Empty)));
            }

            foreach (var g in tried.Where(h => h.Tls!.MtaStsAccepts == false && h.Tls.ResultType is TlsResultType.CertificateExpired or TlsResultType.CertificateHostMismatch or TlsResultType.CertificateNotTrusted)
                         .GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase))
            {
                var hop = g.First();
                yield return Make(enforce, FindingCodes.MtaStsCertificateInvalid,
                    F("{0} [{1}] presents a certificate an MTA-STS sender rejects ({2}: {3}), so {4}.", hop.Exchange, hop.Address, hop.Tls!.ResultTypeName, hop.Tls.Certificate, enforce ? "enforcing senders skip it" : "testing-mode senders report it"),
                    F("Install a certificate for {0} from a public CA (for example through ACME) that names {0}, and keep it renewed.", hop.Exchange),
                    Ev(("Exchange", hop.Exchange), ("Address", hop.Address), ("ResultType", hop.Tls.ResultTypeName), ("Certificate", hop.Tls.Certificate ?? string.Empty), ("Mode", policy.Mode.ToString())));
            }
        }

        var sr = d.MtaSts;
        if (sr.Status is not (MtaStsStatus.NotPublished or MtaStsStatus.Valid))
        {
            yield return Finding.Warning(FindingCodes.MtaStsPolicyUnavailable,
                F("{0} publishes an MTA-STS record, but a sender cannot get a usable policy: {1}{2}. Senders without a cached policy deliver without one; senders holding an older one keep applying it until its max_age runs out.", domain, sr.Problem ?? sr.Status.ToString(), sr.ResultType is { } rt ? " (" + TlsResultTypes.ToRfc(rt) + ")" : string.Empty),
                UnavailableAdvice(domain, sr),
                Ev(("Status", sr.Status.ToString()), ("PolicyUrl", sr.PolicyUrl ?? string.Empty), ("HttpStatus", sr.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? string.Empty), ("Problem", sr.Problem ?? string.Empty), ("Record", sr.RecordText ?? string.Empty)));
        }

        foreach (var g in tried.Where(h => h.Tls!.DaneAccepts == false && h.Tls.ResultType is TlsResultType.TlsaInvalid or TlsResultType.CertificateHostMismatch).GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase))
        {
            var hop = g.First();
            var t = d.DaneFor(hop.Exchange)!;
            yield return Finding.Error(FindingCodes.DaneTlsaMismatch,
                F("The TLSA records at {0} (DNSSEC-authenticated by {1}) do not match the certificate {2} [{3}] presents, so DANE senders refuse it{4}.", t.TlsaName, t.Resolver, hop.Exchange, hop.Address, dane.Delivers ? " and use " + dane.Exchange : " and defer the mail"),
                F("Publish a TLSA record that matches the certificate {0} presents now ('3 1 1 {1}') beside the old one, or go back to the certificate the records describe.", hop.Exchange, hop.Tls!.SpkiSha256),
                Ev(("Exchange", hop.Exchange), ("Address", hop.Address), ("TlsaName", t.TlsaName), ("Records", string.Join("; ", t.Records)), ("SpkiSha256", hop.Tls.SpkiSha256 ?? string.Empty), ("Resolver", t.Resolver ?? string.Empty)));
        }

        foreach (var t in d.Dane)
        {
            switch (t.Status)
            {
                case DaneStatus.Secure when t.UsableRecords == 0:
                    yield return Finding.Warning(FindingCodes.TlsaRecordsUnusable,
                        F("None of the TLSA records at {0} can be used for SMTP ({1}); RFC 7672 allows only DANE-TA(2) and DANE-EE(3) with selector 0/1 and matching type 0/1/2. DANE senders still require TLS but cannot authenticate it.", t.TlsaName, string.Join("; ", t.Records)),
                        F("Replace them with a '3 1 1' record for the key of {0}'s certificate.", t.Exchange),
                        Ev(("TlsaName", t.TlsaName), ("Records", string.Join("; ", t.Records))));
                    break;
                case DaneStatus.Bogus:
                    yield return Finding.Error(FindingCodes.DnssecBogus,
                        F("The validating resolver {0} answers SERVFAIL for {1} and returns the records only with checking disabled: the DNSSEC chain for them is broken (bogus), so DANE senders treat {2} as unusable.", t.Resolver, t.TlsaName, t.Exchange),
                        F("Repair the DNSSEC chain of the zone holding {0} (DS at the parent matching a DNSKEY, valid signatures), for example with a DNSSEC analyser.", t.TlsaName),
                        Ev(("TlsaName", t.TlsaName), ("Exchange", t.Exchange), ("Resolver", t.Resolver ?? string.Empty), ("Error", t.Error ?? string.Empty)));
                    break;
                case DaneStatus.LookupFailed:
                    var large = t.AuthoritativeTcpBytes is > 1232;
                    yield return Finding.Error(FindingCodes.TlsaLookupLost,
                        F("The TLSA lookup for {0} through {1} failed ({2}), so DANE senders treat {3} as unusable and defer the mail{4}.", t.TlsaName, t.Resolver, t.Error, t.Exchange,
                            large ? F("; the answer is {0} bytes over TCP, too large for UDP on many paths: {1}", t.AuthoritativeTcpBytes, t.EdnsEvidence) : t.EdnsEvidence is null ? string.Empty : "; " + t.EdnsEvidence),
                        F("Run Test-EdnsReachability -DomainName {0} to see which name server loses the large UDP answer, then let fragments through or have the servers answer within 1232 bytes (TCP fallback).", t.TlsaName),
                        Ev(("TlsaName", t.TlsaName), ("Exchange", t.Exchange), ("Resolver", t.Resolver ?? string.Empty), ("Error", t.Error ?? string.Empty), ("AuthoritativeTcpBytes", t.AuthoritativeTcpBytes ?? 0), ("EdnsEvidence", t.EdnsEvidence ?? string.Empty)));
                    break;
            }
        }
    }

    private static bool PolicyRequiresTls(TlsPolicyDiscovery d, string exchange) =>
        (d.Policy is { Mode: MtaStsMode.Enforce } p && MtaStsPattern.MatchesAny(p.Mx, exchange)) || d.DaneFor(exchange)?.Status == DaneStatus.Secure;

    private static string UnavailableAdvice(string domain, MtaStsResult r) => r.Status switch
    {
        MtaStsStatus.RecordConflicting => F("Keep exactly one v=STSv1 TXT record at _mta-sts.{0}.", domain),
        MtaStsStatus.RecordInvalid => F("Fix the TXT record at _mta-sts.{0}: \"v=STSv1; id=<1 to 32 letters and digits>\".", domain),
        MtaStsStatus.RecordLookupFailed => F("Check the name servers of _mta-sts.{0}: the TXT lookup fails.", domain),
        MtaStsStatus.PolicyCertificateInvalid => F("Give mta-sts.{0} a certificate from a public CA that names mta-sts.{0}.", domain),
        MtaStsStatus.PolicyInvalid => F("Fix the policy at {0}: version: STSv1, mode, max_age and one mx line per MX host.", r.PolicyUrl),
        _ => F("Make {0} answer 200 with the policy directly (no redirect, under 64 KB, within seconds).", r.PolicyUrl),
    };

    private static Finding Make(bool error, string code, string message, string recommendation, IReadOnlyDictionary<string, object> evidence) =>
        error ? Finding.Error(code, message, recommendation, evidence) : Finding.Warning(code, message, recommendation, evidence);

    private static IReadOnlyDictionary<string, object> Ev(params (string Key, object Value)[] items)
    {
        var evidence = new Dictionary<string, object>();
        foreach (var (key, value) in items)
        {
            evidence[key] = value;
        }

        return evidence;
    }

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
