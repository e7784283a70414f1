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

    /// <summary>
    /// The gap between two bisection queries to one server: 20 ms, at most 50 queries a second. Response-rate
    /// limiting counts identical answers per client network and second, and the bisection's answers below the
    /// loss are all the same truncated reply: a rate limiter that dropped or truncated them would move the bracket.
    /// 50 a second keeps the two rounds (at most 30 queries) within 0.6 s, so the search still ends inside one probe
    /// timeout, while the queries spread over the rate limiter's one-second accounting instead of arriving at once.
    /// </summary>
    public TimeSpan BisectionSpacing { get; init; } = TimeSpan.FromMilliseconds(20);
}
