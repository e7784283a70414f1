namespace MailFlowTools.Core.PathMtu;

/// <summary>What happened to one probe of one size.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MtuProbeOutcome : long
{
    /// <summary>The packet crossed the path: an echo reply came back, or the TCP data was acknowledged.</summary>
    Passed,

    /// <summary>Nothing came back within the wait: no reply, no acknowledgement, no error.</summary>
    Lost,

    /// <summary>The path said "too big": ICMP type 3 code 4, ICMPv6 type 2, or the kernel lowered the path MTU mid-probe.</summary>
    TooBig,

    /// <summary>The local stack refused the size (larger than the outgoing interface MTU); says nothing about the path.</summary>
    LocalTooBig,

    /// <summary>A router or the host answered with another ICMP error (unreachable, time exceeded).</summary>
    Unreachable,

    /// <summary>The probe could not be sent or the connection failed before the measured data was written.</summary>
    Error,
}
