namespace MailFlowTools.Core.PathMtu;

/// <summary>One probe of one size: the evidence behind a path MTU result.</summary>
public sealed class MtuProbeAttempt
{
    public MtuProbeMethod Method { get; init; }

    /// <summary>1 for the first burst, 2 for the refinement, and so on.</summary>
    public int Round { get; init; }

    /// <summary>IP packet size in bytes that was actually put on the wire.</summary>
    public int Size { get; init; }

    /// <summary>IP packet size that was asked for; differs from <see cref="Size"/> when the peer's MSS or a cached route MTU capped the segment.</summary>
    public int RequestedSize { get; init; }

    /// <summary>1 for the first probe of this size, 2 and up for retries.</summary>
    public int Attempt { get; init; }

    public MtuProbeOutcome Outcome { get; init; }

    /// <summary>Round-trip time of the reply or error, when one came back.</summary>
    public double? RttMs { get; init; }

    /// <summary>Next-hop MTU carried by a "too big" error (or the kernel's lowered path MTU for TCP).</summary>
    public int? ReportedMtu { get; init; }

    /// <summary>Address that sent the ICMP error, when known.</summary>
    public string? ReportedBy { get; init; }

    public string? Detail { get; init; }

    public override string ToString() => $"{Method} {Size.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Outcome}";
}
