using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.PathMtu;

/// <summary>Find-MtuBlackHole's answer for one address of one host.</summary>
public sealed class MtuProbeResult : IHasFindings
{
    private IReadOnlyList<Finding> _findings = Readable.List<Finding>(null);

    public string ComputerName { get; init; } = string.Empty;

    public string Address { get; init; } = string.Empty;

    /// <summary>"IPv4" or "IPv6".</summary>
    public string AddressFamily { get; init; } = string.Empty;

    /// <summary>The method whose measurement gave <see cref="PathMtu"/> (Sweep when only the sweep ran).</summary>
    public MtuProbeMethod Method { get; init; }

    /// <summary>Every method that ran, in order.</summary>
    public ReadableList<MtuProbeMethod> MethodsUsed { get; init; } = Readable.List<MtuProbeMethod>(null);

    /// <summary>How ICMP was sent: RawSocket, DatagramSocket or PingApi; empty when ICMP did not run.</summary>
    public string? IcmpTransport { get; init; }

    /// <summary>TCP port used by the Tcp and Sweep methods.</summary>
    public int Port { get; init; }

    /// <summary>Largest IP packet (bytes, headers included) that crosses the path; exact to the byte when <see cref="SmallestLostSize"/> is PathMtu + 1.</summary>
    public int? PathMtu { get; init; }

    public int? LargestPassedSize { get; init; }

    /// <summary>Smallest IP packet size above <see cref="LargestPassedSize"/> that did not cross (lost or refused as too big).</summary>
    public int? SmallestLostSize { get; init; }

    /// <summary>True when the path sent "fragmentation needed" / "packet too big" for an oversize probe.</summary>
    public bool IcmpTooBigSeen { get; init; }

    /// <summary>The smallest next-hop MTU reported by a "too big" error.</summary>
    public int? ReportedNextHopMtu { get; init; }

    /// <summary>Address of the router that reported the next-hop MTU.</summary>
    public string? ReportedBy { get; init; }

    /// <summary>True when packets above the path MTU vanished without any "too big" error: a PMTU discovery black hole.</summary>
    public bool BlackHole { get; init; }

    /// <summary>TCP payload sizes (bytes) that failed on every attempt of the envelope sweep.</summary>
    public ReadableList<int> FailingPayloadSizes { get; init; } = Readable.List<int>(null);

    /// <summary>Payload sizes that failed on some attempts and passed on others (random loss).</summary>
    public ReadableList<int> IntermittentPayloadSizes { get; init; } = Readable.List<int>(null);

    /// <summary>MTU of the local interface that leads to the address.</summary>
    public int? LocalMtu { get; init; }

    /// <summary>Path MTU the kernel had cached for the address before probing (below <see cref="LocalMtu"/>), when known.</summary>
    public int? CachedRoutePmtu { get; init; }

    /// <summary>Seconds until the cached route MTU expires, when the kernel shows it.</summary>
    public int? CachedRoutePmtuExpiresSeconds { get; init; }

    /// <summary>Linux net.ipv4.tcp_mtu_probing (0 off, 1 after a black hole is suspected, 2 always); empty elsewhere.</summary>
    public int? KernelTcpMtuProbing { get; init; }

    /// <summary>The server's MSS as seen on the TCP probes, when the TCP method ran.</summary>
    public int? PeerMss { get; init; }

    public int ProbesSent { get; init; }

    public int Rounds { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>Every ICMP or TCP probe with its outcome.</summary>
    public ReadableList<MtuProbeAttempt> Probes { get; init; } = Readable.List<MtuProbeAttempt>(null);

    /// <summary>Every payload size of the envelope sweep with its outcome.</summary>
    public ReadableList<PayloadSweepEntry> Sweep { get; init; } = Readable.List<PayloadSweepEntry>(null);

    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = Readable.List(value); }

    public override string ToString() => $"{Address}: path MTU {(PathMtu is { } mtu ? mtu.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")}{(BlackHole ? ", black hole" : string.Empty)}";
}
