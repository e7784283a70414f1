using System;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// What <see cref="IMxPathResolver"/> found for a domain: where its mail goes, in the order an RFC 5321 §5.1
/// sender tries it (preference ascending, equal preferences shuffled by the seed), or why that is unknown.
/// </summary>
public sealed class MxPathResolution
{
    public MxPathSource Source { get; init; }

    /// <summary>The mail exchangers in sender order. Empty for NullMx, NoMailDomain and Unresolved.</summary>
    public MxPathTarget[] Targets { get; init; } = Array.Empty<MxPathTarget>();

    /// <summary>The failed lookup behind <see cref="MxPathSource.Unresolved"/>, or the NXDOMAIN behind NoMailDomain.</summary>
    public MxDnsError? Error { get; init; }

    /// <summary>The resolver that answered (address, or "system").</summary>
    public string? DnsServer { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>Anomalies the resolver noticed (for example a null MX next to other MX records).</summary>
    public string[] Notes { get; init; } = Array.Empty<string>();
}
