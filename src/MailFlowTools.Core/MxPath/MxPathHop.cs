using System.Globalization;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// One address of one MX host, in the order a compliant sender tries them. Pipes into Get-SmtpStageTiming and
/// Find-MtuBlackHole: <see cref="ComputerName"/> (the address) binds by property name before any alias, so the
/// very address that was tested is probed again, not whatever the host name resolves to next time.
/// </summary>
public sealed class MxPathHop
{
    /// <summary>1-based position in the walk.</summary>
    public int Order { get; init; }

    public int Preference { get; init; }

    /// <summary>The MX host name (for an implicit MX, the domain itself).</summary>
    public string Exchange { get; init; } = string.Empty;

    /// <summary>Set when the MX target is an alias (CNAME): where it pointed.</summary>
    public string? CanonicalName { get; init; }

    /// <summary>The IP address tried.</summary>
    public string Address { get; init; } = string.Empty;

    /// <summary>Same as <see cref="Address"/>; named for the -ComputerName parameter of the probe cmdlets.</summary>
    public string ComputerName => Address;

    public int Port { get; init; }

    public MxAddressFamily AddressFamily { get; init; }

    public MxHopOutcome Outcome { get; init; }

    public double? ConnectMs { get; init; }

    public double? BannerMs { get; init; }

    public double? EhloMs { get; init; }

    public double? StartTlsMs { get; init; }

    public double? RcptMs { get; init; }

    public string? Banner { get; init; }

    /// <summary>The greeting was rewritten into asterisks by an SMTP "fixup" firewall.</summary>
    public bool BannerMasked { get; init; }

    public bool? StartTlsOffered { get; init; }

    public bool? TlsEstablished { get; init; }

    public string? TlsProtocol { get; init; }

    /// <summary>The reply that ended the hop, or the RCPT reply.</summary>
    public int? ReplyCode { get; init; }

    public string? ReplyText { get; init; }

    /// <summary>How the hop ended, in plain words.</summary>
    public string? Detail { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>What MTA-STS and DANE senders make of this hop (RFC 8460 result type, sender status); null when not tried or not checked.</summary>
    public TlsPolicy.HopTlsResult? Tls { get; init; }

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} [{1}]:{2}", Exchange, Address, Port);
}
