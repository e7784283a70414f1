using System;

namespace MailFlowTools.Core.MxPath;

/// <summary>How Test-MxPath walks each domain.</summary>
public sealed record MxPathOptions
{
    public int Port { get; init; } = 25;

    public MxAddressFamily AddressFamily { get; init; } = MxAddressFamily.Any;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait for the 220 greeting; also bounds each later reply.</summary>
    public TimeSpan BannerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Probe every hop instead of stopping at the first that works.</summary>
    public bool AllHops { get; init; }

    /// <summary>When set, MAIL FROM:&lt;&gt; and RCPT TO are tried at each hop; never DATA.</summary>
    public string? Recipient { get; init; }

    /// <summary>Seed for the order of equal preferences; null for random.</summary>
    public int? Seed { get; init; }

    /// <summary>Domains tested at once by <see cref="MxPathEngine.RunAsync"/>.</summary>
    public int ThrottleLimit { get; init; } = 1;

    /// <summary>
    /// When a hop has neither succeeded nor failed after this long, the next hop starts in parallel
    /// (RFC 8305's connection attempt delay). The verdict still follows the walk order.
    /// </summary>
    public TimeSpan StaggerDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Hops probed at once within one domain.</summary>
    public int MaxParallelHops { get; init; } = 4;

    /// <summary>Addresses walked per domain at most (the rest are listed as NotTried).</summary>
    public int MaxHops { get; init; } = 32;

    /// <summary>Ports tried with a bare connect when every hop timed out on <see cref="Port"/>.</summary>
    public int[] ControlPorts { get; init; } = { 443, 587 };
}
