namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The state of a domain's <c>_mta-sts</c> TXT record (RFC 8461 §3.1).</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MtaStsRecordStatus : long
{
    /// <summary>No TXT record starting with v=STSv1: the domain has no MTA-STS policy.</summary>
    NotPublished,

    /// <summary>One well-formed record with an id.</summary>
    Valid,

    /// <summary>More than one v=STSv1 record: senders treat the domain as having no policy.</summary>
    Conflicting,

    /// <summary>A v=STSv1 record that does not parse (no id, bad id, bad field).</summary>
    Invalid,

    /// <summary>The TXT lookup itself failed (timeout, SERVFAIL).</summary>
    LookupFailed,
}
