namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The <c>mode</c> of an MTA-STS policy (RFC 8461 §3.2), or NoPolicy when none applies.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MtaStsMode : long
{
    /// <summary>No policy applies (none published, or it could not be fetched or parsed).</summary>
    NoPolicy,

    /// <summary>mode: none — the domain withdraws its policy.</summary>
    None,

    /// <summary>mode: testing — senders deliver anyway and only report failures (RFC 8460).</summary>
    Testing,

    /// <summary>mode: enforce — senders refuse MX hosts that fail the policy.</summary>
    Enforce,
}
