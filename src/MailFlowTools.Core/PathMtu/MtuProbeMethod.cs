namespace MailFlowTools.Core.PathMtu;

/// <summary>How Find-MtuBlackHole measures the path.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MtuProbeMethod : long
{
    /// <summary>ICMP when permitted and answered, TCP otherwise; a payload sweep when asked or when TCP shows odd loss.</summary>
    Auto,

    /// <summary>ICMP/ICMPv6 echo with Don't Fragment, every size in parallel.</summary>
    Icmp,

    /// <summary>SMTP connections with a controlled segment size; works where ICMP echo is filtered.</summary>
    Tcp,

    /// <summary>Exact TCP payload sizes written in one piece in the SMTP envelope phase, to find size-specific loss.</summary>
    Sweep,
}
