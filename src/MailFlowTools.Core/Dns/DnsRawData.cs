using System;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// RDATA kept as bytes: DNSSEC records (RRSIG, DNSKEY, DS, NSEC, NSEC3) and unknown types.
/// The size is what matters for answer-size diagnosis.
/// </summary>
public sealed class DnsRawData : DnsRecordData
{
    public DnsRawData(byte[]? bytes)
    {
        Bytes = bytes ?? Array.Empty<byte>();
    }

    public byte[] Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>For RRSIG: the type the signature covers (first two RDATA bytes), else null.</summary>
    public DnsRecordType? RrsigTypeCovered(DnsRecordType recordType) =>
        recordType == DnsRecordType.RRSIG && Bytes.Length >= 2 ? (DnsRecordType)((Bytes[0] << 8) | Bytes[1]) : null;

    public override string ToString() => "\\# " + Bytes.Length;
}
