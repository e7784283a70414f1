using System;
using System.Collections.Generic;
using System.Text;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// The two parts of an X.509 certificate DANE and name checks need, read from its DER bytes without a
/// platform API (netstandard2.0 has none): the SubjectPublicKeyInfo and the subjectAltName dNSName entries.
/// Bounds-checked; a malformed certificate gives null / an empty list, never an exception.
/// </summary>
public static class DerCertificate
{
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>The n-th field after the optional version (0 serial, 1 signature, 2 issuer, 3 validity, 4 subject), a SEQUENCE.</summary>
    private static byte[]? TbsField(byte[] certificate, int position)
    {
        var tbs = TbsFields(certificate);
        if (tbs is null)
        {
            return null;
        }

        var index = (tbs.Count > 0 && tbs[0].Tag == 0xA0 ? 1 : 0) + position;
        return index < tbs.Count && tbs[index].Tag == 0x30 ? Slice(certificate, tbs[index].Start, tbs[index].End - tbs[index].Start) : null;
    }

    /// <summary>The DER of tbsCertificate.subjectPublicKeyInfo, or null when the certificate does not parse.</summary>
    public static byte[]? SubjectPublicKeyInfo(byte[] certificate)
    {
        var tbs = TbsFields(certificate);
        if (tbs is null)
        {
            return null;
        }

        // version [0] is optional; then serial, signature, issuer, validity, subject, subjectPublicKeyInfo.
        var index = tbs.Count > 0 && tbs[0].Tag == 0xA0 ? 1 : 0;
        index += 5;
        if (index >= tbs.Count || tbs[index].Tag != 0x30)
        {
            return null;
        }

        return Slice(certificate, tbs[index].Start, tbs[index].End - tbs[index].Start);
    }

    /// <summary>The DER of tbsCertificate.issuer (a Name), or null when the certificate does not parse.</summary>
    public static byte[]? IssuerName(byte[] certificate) => TbsField(certificate, 2);

    /// <summary>The DER of tbsCertificate.subject (a Name), or null when the certificate does not parse.</summary>
    public static byte[]? SubjectName(byte[] certificate) => TbsField(certificate, 4);

    /// <summary>The dNSName entries of the subjectAltName extension, in order (empty when there are none).</summary>
    public static IReadOnlyList<string> DnsNames(byte[] certificate)
    {
        var names = new List<string>();
        var tbs = TbsFields(certificate);
        var extensions = tbs?.Find(t => t.Tag == 0xA3);
        if (extensions is null)
        {
            return names;
        }

        // [3] { SEQUENCE OF Extension { oid, critical BOOLEAN OPTIONAL, OCTET STRING } }
        var outer = Children(certificate, extensions.Value);
        if (outer.Count != 1)
        {
            return names;
        }

        foreach (var ext in Children(certificate, outer[0]))
        {
            var parts = Children(certificate, ext);
            if (parts.Count < 2 || parts[0].Tag != 0x06 || Oid(certificate, parts[0]) != SubjectAltNameOid)
            {
                continue;
            }

            var value = parts[parts.Count - 1];
            if (value.Tag != 0x04)
            {
                continue;
            }

            var inner = Children(certificate, value);
            if (inner.Count != 1 || inner[0].Tag != 0x30)
            {
                continue;
            }

            foreach (var general in Children(certificate, inner[0]))
            {
                // dNSName [2] IMPLICIT IA5String
                if (general.Tag == 0x82)
                {
                    names.Add(Encoding.ASCII.GetString(certificate, general.ContentStart, general.End - general.ContentStart));
                }
            }
        }

        return names;
    }

    private static List<Tlv>? TbsFields(byte[] der)
    {
        if (der is null || !TryRead(der, 0, der.Length, out var cert) || cert.Tag != 0x30)
        {
            return null;
        }

        var top = Children(der, cert);
        if (top.Count < 1 || top[0].Tag != 0x30)
        {
            return null;
        }

        return Children(der, top[0]);
    }

    private static List<Tlv> Children(byte[] der, Tlv parent)
    {
        var list = new List<Tlv>();
        var pos = parent.ContentStart;
        while (pos < parent.End)
        {
            if (!TryRead(der, pos, parent.End, out var child))
            {
                return new List<Tlv>();
            }

            list.Add(child);
            pos = child.End;
        }

        return list;
    }

    private static bool TryRead(byte[] der, int start, int limit, out Tlv tlv)
    {
        tlv = default;
        if (start + 2 > limit)
        {
            return false;
        }

        var tag = der[start];
        int length = der[start + 1];
        var pos = start + 2;
        if (length >= 0x80)
        {
            var count = length & 0x7F;
            if (count is 0 or > 3 || pos + count > limit)
            {
                return false;
            }

            length = 0;
            for (var i = 0; i < count; i++)
            {
                length = (length << 8) | der[pos++];
            }
        }

        if (length < 0 || pos + length > limit)
        {
            return false;
        }

        tlv = new Tlv(tag, start, pos, pos + length);
        return true;
    }

    private static string Oid(byte[] der, Tlv tlv)
    {
        var sb = new StringBuilder();
        long value = 0;
        for (var i = tlv.ContentStart; i < tlv.End; i++)
        {
            value = (value << 7) | (uint)(der[i] & 0x7F);
            if ((der[i] & 0x80) != 0)
            {
                continue;
            }

            if (sb.Length == 0)
            {
                var first = Math.Min(value / 40, 2);
                sb.Append(first).Append('.').Append(value - (first * 40));
            }
            else
            {
                sb.Append('.').Append(value);
            }

            value = 0;
        }

        return sb.ToString();
    }

    private static byte[] Slice(byte[] source, int start, int length)
    {
        var copy = new byte[length];
        Array.Copy(source, start, copy, 0, length);
        return copy;
    }

    private readonly struct Tlv
    {
        public Tlv(byte tag, int start, int contentStart, int end)
        {
            Tag = tag;
            Start = start;
            ContentStart = contentStart;
            End = end;
        }

        public byte Tag { get; }

        public int Start { get; }

        public int ContentStart { get; }

        public int End { get; }
    }
}
