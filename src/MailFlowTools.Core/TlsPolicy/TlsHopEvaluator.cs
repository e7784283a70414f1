using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Pure: what MTA-STS (RFC 8461 §4, §5) and DANE (RFC 7672 §2, §3) senders make of one probed hop, from the
/// EHLO keywords, the STARTTLS outcome and the certificate chain the hop presented.
/// </summary>
public static class TlsHopEvaluator
{
    public static HopTlsResult? Evaluate(string exchange, string address, HopProbeResult? probe, TlsPolicyDiscovery discovery, IReadOnlyList<byte[]> trustedRoots, DateTimeOffset now)
    {
        var policy = discovery.StsApplies ? discovery.Policy : null;
        var excluded = policy is not null && !MtaStsPattern.MatchesAny(policy.Mx, exchange);
        var reachedEhlo = probe is not null && probe.StartTlsOffered is not null;
        if (!reachedEhlo)
        {
            // A sender never connects to an MX the policy leaves out; that much is known without a session.
            return excluded
                ? new HopTlsResult { ResultType = TlsResultType.ValidationFailure, MtaStsAccepts = false, SenderStatus = Excluded(exchange, policy!) }
                : null;
        }

        var masked = probe!.EhloKeywords.FirstOrDefault(StartTlsMask.IsMaskedStartTls)
                     ?? probe.EhloKeywords.FirstOrDefault(StartTlsMask.IsMaskedKeyword);
        var stripped = probe.StartTlsOffered == false && masked is not null;
        var chain = probe.PeerCertificateChain;
        var tls = probe.TlsEstablished == true;
        var cert = chain.Count > 0 ? WebPkiValidator.Check(chain, exchange, trustedRoots, now) : null;
        var spki = chain.Count > 0 ? TlsaMatcher.Association(1, 1, chain[0]) : null;
        var noTls = NoTls(exchange, address, probe, stripped);

        // MTA-STS
        bool? stsAccepts = null;
        TlsResultType? stsFail = null;
        string? stsStatus = null;
        if (policy is not null)
        {
            if (excluded)
            {
                (stsFail, stsStatus) = (TlsResultType.ValidationFailure, Excluded(exchange, policy));
            }
            else if (probe.StartTlsOffered != true)
            {
                (stsFail, stsStatus) = (TlsResultType.StartTlsNotSupported, noTls);
            }
            else if (!tls)
            {
                (stsFail, stsStatus) = (TlsResultType.ValidationFailure, "deferred: TLS handshake with " + exchange + "[" + address + "] failed (" + (probe.Detail ?? "STARTTLS failed") + ")");
            }
            else if (cert is null || !cert.IsValid)
            {
                stsFail = cert is null ? TlsResultType.CertificateNotTrusted : cert.Expired ? TlsResultType.CertificateExpired : !cert.NameMatches ? TlsResultType.CertificateHostMismatch : TlsResultType.CertificateNotTrusted;
                stsStatus = "deferred: MTA-STS: server certificate not verified for " + exchange + " (" + TlsResultTypes.ToRfc(stsFail.Value) + ")";
            }

            stsAccepts = stsFail is null;
        }

        // DANE
        bool? daneAccepts = null;
        TlsResultType? daneFail = null;
        string? daneStatus = null;
        string? daneText = null;
        var dane = discovery.DaneFor(exchange);
        switch (dane?.Status)
        {
            case DaneStatus.Secure:
                if (probe.StartTlsOffered != true)
                {
                    (daneFail, daneStatus) = (TlsResultType.StartTlsNotSupported, noTls);
                }
                else if (!tls)
                {
                    (daneFail, daneStatus) = (TlsResultType.ValidationFailure, "deferred: TLS handshake with " + exchange + "[" + address + "] failed (" + (probe.Detail ?? "STARTTLS failed") + ")");
                }
                else if (dane.UsableRecords == 0)
                {
                    // RFC 7672 §2.2: with only unusable records, TLS is still mandatory but not authenticated.
                    daneText = "no usable TLSA record: TLS required, not authenticated";
                }
                else
                {
                    var match = TlsaMatcher.Match(dane.Parsed, chain, exchange);
                    daneText = match.Outcome + (match.Record is null ? string.Empty : " " + match.Record);
                    if (match.Outcome == TlsaMatchOutcome.TrustAnchorMatchedNameMismatch)
                    {
                        (daneFail, daneStatus) = (TlsResultType.CertificateHostMismatch, "deferred: Server certificate not verified (DANE-TA matched, but the certificate is not valid for " + exchange + ")");
                    }
                    else if (match.Outcome != TlsaMatchOutcome.Matched)
                    {
                        (daneFail, daneStatus) = (TlsResultType.TlsaInvalid, "deferred: Server certificate not verified (no TLSA record at " + dane.TlsaName + " matches)");
                    }
                }

                daneAccepts = daneFail is null;
                break;
            case DaneStatus.Bogus:
                (daneFail, daneStatus, daneAccepts) = (TlsResultType.DnssecInvalid, "deferred: TLSA lookup error for " + exchange + ":25 (DNSSEC validation failed)", false);
                break;
            case DaneStatus.LookupFailed:
                (daneFail, daneStatus, daneAccepts) = (TlsResultType.DnssecInvalid, "deferred: TLSA lookup error for " + exchange + ":25 (" + (dane.Error ?? "no answer") + ")", false);
                break;
        }

        var resultType = daneFail ?? stsFail
            ?? (probe.StartTlsOffered == false ? TlsResultType.StartTlsNotSupported : probe.TlsEstablished == false ? TlsResultType.ValidationFailure : TlsResultType.Success);
        return new HopTlsResult
        {
            ResultType = resultType,
            SenderStatus = daneStatus ?? stsStatus,
            MtaStsAccepts = stsAccepts,
            DaneAccepts = daneAccepts,
            StartTlsMasked = stripped,
            MaskedKeyword = masked,
            CertificateTrusted = cert?.Trusted,
            CertificateNameMatches = cert?.NameMatches,
            CertificateExpired = cert?.Expired,
            Certificate = cert is null ? null : string.Join(", ", cert.Names) + "; " + cert.Detail,
            Dane = daneText,
            SpkiSha256 = spki is null ? null : TlsaRecord.Hex(spki),
        };
    }

    private static string Excluded(string exchange, MtaStsPolicy policy) =>
        "deferred: MTA-STS: " + exchange + " does not match the policy's mx patterns (" + string.Join(", ", policy.Mx) + ")";

    private static string NoTls(string exchange, string address, HopProbeResult probe, bool stripped) =>
        "deferred: TLS is required, but was not offered by host " + exchange + "[" + address + "]" + (stripped ? " (the EHLO reply shows a masked STARTTLS line)" : string.Empty);
}
