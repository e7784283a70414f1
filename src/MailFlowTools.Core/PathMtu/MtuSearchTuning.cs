using System;

namespace MailFlowTools.Core.PathMtu;

/// <summary>Knobs of the parallel search; tests shrink them, the cmdlet uses the defaults.</summary>
internal sealed class MtuSearchTuning
{
    /// <summary>Grid points of the first ICMP burst (plus the usual MTU plateaus).</summary>
    public int IcmpFirstRoundGrid { get; init; } = 40;

    /// <summary>Largest gap the ICMP search fills byte by byte in one round.</summary>
    public int IcmpFanOut { get; init; } = 48;

    /// <summary>Parallel TCP connections per refinement round.</summary>
    public int TcpFanOut { get; init; } = 10;

    /// <summary>Most TCP connections open to one address at once.</summary>
    public int TcpConcurrency { get; init; } = 12;

    /// <summary>Most sweep connections open to one address at once.</summary>
    public int SweepConcurrency { get; init; } = 10;

    /// <summary>Attempts of a size before its loss counts as deterministic.</summary>
    public int LossConfirmations { get; init; } = 2;

    public int IcmpMaxRounds { get; init; } = 4;

    public int TcpMaxRounds { get; init; } = 6;

    /// <summary>Attempts per failing sweep size (first try included).</summary>
    public int SweepAttempts { get; init; } = 3;

    /// <summary>ICMP probes sent back to back before a short pause (0.25 ms), so a burst never floods a queue.</summary>
    public int IcmpBurst { get; init; } = 16;

    /// <summary>Once replies have shown the round-trip time, a probe is given up after this many RTTs (but at least <see cref="MinAdaptiveWait"/>).</summary>
    public double RttMultiplier { get; init; } = 4;

    public TimeSpan MinAdaptiveWait { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>TCP: a segment counts as lost after this many retransmission timeouts without an acknowledgement.</summary>
    public int TcpLossRetransmits { get; init; } = 2;
}
