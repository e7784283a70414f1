namespace MailFlowTools.Core.TlsPolicy;

// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum TlsaMatchOutcome : long
{
    Matched,

    /// <summary>No usable record matched the presented chain.</summary>
    Mismatch,

    /// <summary>A DANE-TA record matched a certificate in the chain, but the leaf is not valid for the MX name.</summary>
    TrustAnchorMatchedNameMismatch,

    /// <summary>Every record has a usage, selector or matching type SMTP cannot use (RFC 7672 §3.1.3).</summary>
    NoUsableRecords,

    /// <summary>The MX presented no certificate (no TLS session).</summary>
    NoCertificate,
}
