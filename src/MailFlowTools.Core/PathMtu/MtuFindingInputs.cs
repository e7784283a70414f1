namespace MailFlowTools.Core.PathMtu;

/// <summary>Everything the findings are drawn from, gathered by the engine for one address.</summary>
internal sealed class MtuFindingInputs
{
    public string Address { get; init; } = string.Empty;

    public bool IsIPv6 { get; init; }

    public int Port { get; init; }

    /// <summary>The verdict of the method that measured the path MTU, if one did.</summary>
    public MtuVerdict? Verdict { get; init; }

    public MtuProbeMethod VerdictMethod { get; init; }

    /// <summary>ICMP ran and nothing answered.</summary>
    public bool IcmpUnanswered { get; init; }

    /// <summary>The TCP method ran but never got an SMTP session; the reason.</summary>
    public string? TcpFailure { get; init; }

    public bool TcpRan { get; init; }

    /// <summary>True when TCP segments just above the ICMP limit were lost too; null when not cross-checked.</summary>
    public bool? ConfirmedByTcp { get; init; }

    /// <summary>Largest echo request that crossed when TCP showed larger segments cross: a filter on large ICMP echo.</summary>
    public int? IcmpEchoLimit { get; init; }

    public SweepAnalysis? Sweep { get; init; }

    /// <summary>Why ICMP could not be used (no privilege), when Auto fell back to TCP; null otherwise.</summary>
    public string? IcmpNotPermitted { get; init; }

    public LocalPathInfo? Local { get; init; }
}
