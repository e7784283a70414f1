namespace MailFlowTools.Core.PathMtu;

/// <summary>Which of a host's addresses to probe.</summary>
public enum MtuProbeAddressFamily
{
    Any,
    IPv4,
    IPv6,
}
