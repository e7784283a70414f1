using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>What a sender learns from DNS and HTTPS before it connects: the MTA-STS policy and each MX host's TLSA.</summary>
public sealed class TlsPolicyDiscovery
{
    public MtaStsResult MtaSts { get; init; } = new();

    /// <summary>The parsed policy when <see cref="MtaStsResult.Status"/> is Valid.</summary>
    public MtaStsPolicy? Policy { get; init; }

    public IReadOnlyList<DaneTlsaResult> Dane { get; init; } = Array.Empty<DaneTlsaResult>();

    public string? Resolver { get; init; }

    /// <summary>An MTA-STS policy in testing or enforce mode.</summary>
    public bool StsApplies => Policy is { Mode: MtaStsMode.Enforce or MtaStsMode.Testing };

    /// <summary>DANE decides for at least one MX host (authenticated TLSA, or a failed lookup).</summary>
    public bool DaneApplies => Dane.Any(d => d.Status is DaneStatus.Secure or DaneStatus.Bogus or DaneStatus.LookupFailed);

    public DaneTlsaResult? DaneFor(string exchange) =>
        Dane.FirstOrDefault(d => string.Equals(d.Exchange, exchange, StringComparison.OrdinalIgnoreCase));
}
