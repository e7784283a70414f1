namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// The RFC 8460 §4.3 result types, plus Success. <see cref="TlsResultTypes.ToRfc"/> gives the report's spelling
/// ("starttls-not-supported").
/// </summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum TlsResultType : long
{
    /// <summary>A TLS session that satisfies every policy that applies.</summary>
    Success,
    StartTlsNotSupported,
    CertificateHostMismatch,
    CertificateExpired,
    CertificateNotTrusted,
    TlsaInvalid,
    DnssecInvalid,
    DaneRequired,
    StsPolicyFetchError,
    StsPolicyInvalid,
    StsWebPkiInvalid,
    ValidationFailure,
}
