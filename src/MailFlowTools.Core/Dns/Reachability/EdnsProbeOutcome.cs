namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>What one reachability probe got back.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum EdnsProbeOutcome : long
{
    /// <summary>A complete answer (any RCODE other than the error ones below, NXDOMAIN included).</summary>
    Answer,

    /// <summary>An answer with TC=1: the client must retry over TCP.</summary>
    Truncated,

    /// <summary>Nothing matching arrived within the timeout.</summary>
    Timeout,

    FormErr,

    ServFail,

    Refused,

    NotImplemented,

    /// <summary>RCODE 16: the server does not speak the EDNS version asked for.</summary>
    BadVers,

    /// <summary>Connection refused or reset, ICMP unreachable, no route.</summary>
    NetworkError,

    /// <summary>Only unparseable replies came back.</summary>
    Malformed,
}
