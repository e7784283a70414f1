using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.MxPath;

/// <summary>What probing one address found. Timings are null for stages that were not reached.</summary>
public sealed class HopProbeResult
{
    private IReadOnlyList<Finding> _findings = Array.Empty<Finding>();

    public MxHopOutcome Outcome { get; init; }

    public double? ConnectMs { get; init; }

    public double? BannerMs { get; init; }

    public double? EhloMs { get; init; }

    /// <summary>STARTTLS command plus the TLS handshake.</summary>
    public double? StartTlsMs { get; init; }

    public double? MailMs { get; init; }

    public double? RcptMs { get; init; }

    /// <summary>The greeting as received (first line, or all lines joined), when one arrived.</summary>
    public string? Banner { get; init; }

    public int? BannerCode { get; init; }

    /// <summary>Null until the EHLO reply was read.</summary>
    public bool? StartTlsOffered { get; init; }

    /// <summary>Null when TLS was not attempted.</summary>
    public bool? TlsEstablished { get; init; }

    public string? TlsProtocol { get; init; }

    /// <summary>The reply that ended the hop (the failing reply, or the RCPT reply), when there was one.</summary>
    public int? ReplyCode { get; init; }

    public string? ReplyText { get; init; }

    /// <summary>Plain words on how the hop ended, e.g. "no greeting within 10 s" or "connection refused".</summary>
    public string? Detail { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>The session's own findings (BannerMasked, NoBannerAfterConnect, StartTlsFailed, …), passed through unchanged.</summary>
    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = value ?? Array.Empty<Finding>(); }

    /// <summary>A copy carrying <paramref name="findings"/>.</summary>
    public HopProbeResult WithFindings(IReadOnlyList<Finding> findings)
    {
        var copy = (HopProbeResult)MemberwiseClone();
        copy._findings = findings;
        return copy;
    }

    /// <summary>The extension lines of the first EHLO reply, as sent (a masked "XXXXXXXA" included).</summary>
    public IReadOnlyList<string> EhloKeywords { get; init; } = Array.Empty<string>();

    /// <summary>The certificate chain the STARTTLS handshake presented (DER, leaf first); empty without one.</summary>
    public IReadOnlyList<byte[]> PeerCertificateChain { get; init; } = Array.Empty<byte[]>();
}
