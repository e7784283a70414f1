using System;
using System.Globalization;
using System.Text;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the association data.</summary>
public sealed class TlsaRecord
{
    public TlsaRecord(byte usage, byte selector, byte matchingType, byte[] data)
    {
        Usage = usage;
        Selector = selector;
        MatchingType = matchingType;
        Data = data;
    }

    /// <summary>0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.</summary>
    public byte Usage { get; }

    /// <summary>0 the full certificate, 1 its SubjectPublicKeyInfo.</summary>
    public byte Selector { get; }

    /// <summary>0 exact, 1 SHA-256, 2 SHA-512.</summary>
    public byte MatchingType { get; }

    public byte[] Data { get; }

    /// <summary>RFC 7672 §3.1.3: SMTP uses only DANE-TA(2) and DANE-EE(3), with known selectors and matching types.</summary>
    public bool IsUsableForSmtp => Usage is 2 or 3 && Selector is 0 or 1 && MatchingType is 0 or 1 or 2
        && (MatchingType != 1 || Data.Length == 32) && (MatchingType != 2 || Data.Length == 64);

    /// <summary>Reads the RDATA; null when it is shorter than the 3 fixed bytes plus one byte of data.</summary>
    public static TlsaRecord? FromRData(byte[] rdata)
    {
        if (rdata is null || rdata.Length < 4)
        {
            return null;
        }

        var data = new byte[rdata.Length - 3];
        Array.Copy(rdata, 3, data, 0, data.Length);
        return new TlsaRecord(rdata[0], rdata[1], rdata[2], data);
    }

    /// <summary>Presentation form, e.g. "3 1 1 0C72AC70…"; long data is shortened.</summary>
    public override string ToString()
    {
        var hex = Hex(Data);
        return string.Format(CultureInfo.InvariantCulture, "{0} {1} {2} {3}", Usage, Selector, MatchingType, hex.Length <= 64 ? hex : hex.Substring(0, 64) + "…");
    }

    internal static string Hex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            sb.Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
