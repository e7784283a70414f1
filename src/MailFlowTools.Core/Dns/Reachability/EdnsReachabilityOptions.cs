using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>What to probe on each server.</summary>
public sealed class EdnsReachabilityOptions
{
    /// <summary>No EDNS, the classic 512, the DNS Flag Day 1232, the IPv6 (1410) and IPv4 (1472) Ethernet limits, and 4096.</summary>
    public static readonly IReadOnlyList<int> DefaultBufferSizes = new[] { 0, 512, 1232, 1410, 1472, 4096 };

    public DnsRecordType Type { get; init; } = DnsRecordType.MX;

    /// <summary>Advertised buffers to probe over UDP; 0 means a query without EDNS.</summary>
    public IReadOnlyList<int> BufferSizes { get; init; } = DefaultBufferSizes;

    public bool DnssecOk { get; init; } = true;

    /// <summary>Wait for each probe's answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    public bool IncludeTcp { get; init; } = true;

    /// <summary>Bisect the buffer size when large UDP answers are lost.</summary>
    public bool Bisect { get; init; } = true;

    /// <summary>Add the EDNS compliance probes (unknown version, option and flag; OPT on truncated answers).</summary>
    public bool Compliance { get; init; }

    /// <summary>Bisection stops when the bracket is this narrow (bytes of advertised buffer).</summary>
    public int BisectionResolution { get; init; } = 16;

    /// <summary>Probes sent in parallel per bisection round.</summary>
    public int BisectionWidth { get; init; } = 15;

    public int MaxBisectionRounds { get; init; } = 3;
}
