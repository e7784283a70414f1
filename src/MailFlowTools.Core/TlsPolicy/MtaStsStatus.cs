namespace MailFlowTools.Core.TlsPolicy;

/// <summary>How far MTA-STS discovery got for a domain (RFC 8461 §3).</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MtaStsStatus : long
{
    /// <summary>No _mta-sts TXT record: no policy.</summary>
    NotPublished,

    /// <summary>Record and policy found and valid.</summary>
    Valid,

    /// <summary>Several v=STSv1 TXT records.</summary>
    RecordConflicting,

    /// <summary>A v=STSv1 record that does not parse.</summary>
    RecordInvalid,

    /// <summary>The TXT lookup failed.</summary>
    RecordLookupFailed,

    /// <summary>The HTTPS fetch failed: connect, timeout, HTTP status, redirect, size.</summary>
    FetchFailed,

    /// <summary>The policy host's certificate did not validate.</summary>
    PolicyCertificateInvalid,

    /// <summary>The policy body does not parse.</summary>
    PolicyInvalid,
}
