namespace MailFlowTools.Core.MxPath;

/// <summary>Which addresses of each MX host to try (-AddressFamily), and the family of a hop.</summary>
public enum MxAddressFamily
{
    /// <summary>Both: IPv6 and IPv4 addresses interleaved, IPv6 first (RFC 6724 default policy, RFC 8305 §4).</summary>
    Any,
    IPv4,
    IPv6,
}
