namespace MailFlowTools.Core.MxPath;

/// <summary>How far one MX address got. Every value but Ok and NotTried is a failure at the named stage.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MxHopOutcome : long
{
    /// <summary>Connected, greeted with 220, answered EHLO (and STARTTLS and the recipient when asked).</summary>
    Ok,

    /// <summary>TCP reset to the SYN: nothing listens on the port.</summary>
    ConnectRefused,

    /// <summary>No answer to the SYN within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>The network reported the host or network unreachable (ICMP, no route).</summary>
    Unreachable,

    /// <summary>TCP connected, but no 220 greeting arrived within the banner timeout (or the peer closed first).</summary>
    NoBanner,

    /// <summary>The greeting was a 4xx reply.</summary>
    BannerTempFailed,

    /// <summary>The greeting was a 5xx reply (for example 554 "no SMTP service here").</summary>
    BannerRejected,

    /// <summary>EHLO was refused, timed out or the connection dropped.</summary>
    EhloFailed,

    /// <summary>STARTTLS was offered but the command or the TLS handshake failed.</summary>
    TlsFailed,

    /// <summary>MAIL FROM or RCPT TO (-Recipient) was refused or timed out.</summary>
    RecipientRejected,

    /// <summary>Not tried: a compliant sender would already have delivered through an earlier hop.</summary>
    NotTried,
}
