namespace MailFlowTools.Core.TlsPolicy;

/// <summary>What the TLS policies make of one hop: the RFC 8460 result type and what each policy sender does there.</summary>
public sealed class HopTlsResult
{
    /// <summary>The hop's RFC 8460 result type under the strictest policy that applies (Success when none fails).</summary>
    public TlsResultType ResultType { get; init; }

    /// <summary>The RFC 8460 spelling of <see cref="ResultType"/>.</summary>
    public string ResultTypeName => TlsResultTypes.ToRfc(ResultType);

    /// <summary>What a sender that refuses this hop would log; null when no policy sender refuses it.</summary>
    public string? SenderStatus { get; init; }

    /// <summary>Null when no MTA-STS policy applies; else whether an MTA-STS sender would use this hop.</summary>
    public bool? MtaStsAccepts { get; init; }

    /// <summary>Null when DANE does not apply to the host; else whether a DANE sender would use this hop.</summary>
    public bool? DaneAccepts { get; init; }

    /// <summary>The EHLO reply carried a masked keyword where STARTTLS belongs (an inspection box's "XXXXXXXA").</summary>
    public bool StartTlsMasked { get; init; }

    public string? MaskedKeyword { get; init; }

    /// <summary>Null when no certificate was presented.</summary>
    public bool? CertificateTrusted { get; init; }

    public bool? CertificateNameMatches { get; init; }

    public bool? CertificateExpired { get; init; }

    /// <summary>The certificate's DNS names and trust detail.</summary>
    public string? Certificate { get; init; }

    /// <summary>The TLSA check, when DANE applies ("Matched 3 1 1 …", "Mismatch").</summary>
    public string? Dane { get; init; }

    /// <summary>SHA-256 of the presented certificate's SubjectPublicKeyInfo: the data a "3 1 1" record must hold.</summary>
    public string? SpkiSha256 { get; init; }

    public override string ToString() => ResultTypeName;
}
