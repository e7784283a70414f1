using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>How the TLS policies are checked; built once at the edge (<see cref="TrustedRoots"/>).</summary>
public sealed record TlsPolicyOptions
{
    /// <summary>Extra trust anchors (DER) for MTA-STS certificate checks, added beside the platform's roots.</summary>
    public IReadOnlyList<byte[]> TrustedRoots { get; init; } = Array.Empty<byte[]>();

    /// <summary>Where the extra roots came from (for messages).</summary>
    public string? TrustedRootSource { get; init; }

    public TimeSpan PolicyFetchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan DnsTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
