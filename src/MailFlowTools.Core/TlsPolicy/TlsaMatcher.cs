using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// RFC 7672 §3 / RFC 6698 §2.1: checks a TLSA RRset against the certificate chain an MX presented (leaf first).
/// DANE-EE(3) matches the leaf and ignores names and dates; DANE-TA(2) matches a certificate above the leaf and
/// needs the leaf's name to match the MX host. PKIX usages (0, 1) and unknown values are unusable for SMTP.
/// </summary>
public static class TlsaMatcher
{
    public static TlsaMatch Match(IReadOnlyList<TlsaRecord> records, IReadOnlyList<byte[]> chain, string mxHost)
    {
        var usable = records.Where(r => r.IsUsableForSmtp).ToList();
        if (usable.Count == 0)
        {
            return new TlsaMatch(TlsaMatchOutcome.NoUsableRecords, null, 0);
        }

        if (chain.Count == 0)
        {
            return new TlsaMatch(TlsaMatchOutcome.NoCertificate, null, usable.Count);
        }

        foreach (var record in usable.Where(r => r.Usage == 3))
        {
            if (Matches(record, chain[0]))
            {
                return new TlsaMatch(TlsaMatchOutcome.Matched, record, usable.Count);
            }
        }

        var nameOk = CertificateNames.Matches(DerCertificate.DnsNames(chain[0]), mxHost);
        foreach (var record in usable.Where(r => r.Usage == 2))
        {
            if (chain.Skip(1).Any(c => Matches(record, c)))
            {
                return nameOk
                    ? new TlsaMatch(TlsaMatchOutcome.Matched, record, usable.Count)
                    : new TlsaMatch(TlsaMatchOutcome.TrustAnchorMatchedNameMismatch, record, usable.Count);
            }
        }

        return new TlsaMatch(TlsaMatchOutcome.Mismatch, null, usable.Count);
    }

    public static bool Matches(TlsaRecord record, byte[] certificate)
    {
        var selected = record.Selector == 0 ? certificate : DerCertificate.SubjectPublicKeyInfo(certificate);
        if (selected is null)
        {
            return false;
        }

        var digest = Digest(record.MatchingType, selected);
        return digest is not null && digest.SequenceEqual(record.Data);
    }

    /// <summary>The association data a record with this selector and matching type would need for the certificate.</summary>
    public static byte[]? Association(byte selector, byte matchingType, byte[] certificate)
    {
        var selected = selector == 0 ? certificate : DerCertificate.SubjectPublicKeyInfo(certificate);
        return selected is null ? null : Digest(matchingType, selected);
    }

    private static byte[]? Digest(byte matchingType, byte[] data)
    {
        switch (matchingType)
        {
            case 0:
                return data;
            case 1:
                using (var sha = SHA256.Create())
                {
                    return sha.ComputeHash(data);
                }

            case 2:
                using (var sha = SHA512.Create())
                {
                    return sha.ComputeHash(data);
                }

            default:
                return null;
        }
    }
}
