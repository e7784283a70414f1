using System.Collections.Generic;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>A parsed MTA-STS policy body (RFC 8461 §3.2).</summary>
public sealed class MtaStsPolicy
{
    public MtaStsPolicy(MtaStsMode mode, IReadOnlyList<string> mx, long maxAgeSeconds)
    {
        Mode = mode;
        Mx = mx;
        MaxAgeSeconds = maxAgeSeconds;
    }

    public MtaStsMode Mode { get; }

    public IReadOnlyList<string> Mx { get; }

    public long MaxAgeSeconds { get; }
}
