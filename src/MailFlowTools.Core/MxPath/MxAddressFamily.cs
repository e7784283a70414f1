namespace MailFlowTools.Core.MxPath;

/// <summary>Which addresses of each MX host to try (-AddressFamily), and the family of a hop.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MxAddressFamily : long
{
    /// <summary>Both: IPv6 and IPv4 addresses interleaved, IPv6 first (RFC 6724 default policy, RFC 8305 §4).</summary>
    Any,
    IPv4,
    IPv6,
}
