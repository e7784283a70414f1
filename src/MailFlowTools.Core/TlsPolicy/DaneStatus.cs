namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The state of an MX host's TLSA lookup at <c>_25._tcp.&lt;mx&gt;</c> (RFC 7672 §2.2).</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum DaneStatus : long
{
    /// <summary>Not looked up.</summary>
    NotChecked,

    /// <summary>The answer was not authenticated (no AD bit: unsigned zone, or a resolver that does not validate): no DANE.</summary>
    Insecure,

    /// <summary>Authenticated denial: the MX host has no TLSA records, so no DANE.</summary>
    NoRecords,

    /// <summary>Authenticated TLSA records: a DANE sender requires TLS matching them.</summary>
    Secure,

    /// <summary>The validating resolver found the answer bogus (SERVFAIL that a CD query answers).</summary>
    Bogus,

    /// <summary>The lookup failed (timeout, SERVFAIL): a DANE sender treats the MX host as unusable.</summary>
    LookupFailed,
}
