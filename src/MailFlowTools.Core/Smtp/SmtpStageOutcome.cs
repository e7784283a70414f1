namespace MailFlowTools.Core.Smtp;

/// <summary>How one stage of an SMTP session ended.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum SmtpStageOutcome : long
{
    /// <summary>The stage did what it should (2xx/3xx reply, connected, handshake done, body acknowledged).</summary>
    Ok,

    /// <summary>No answer within the stage's timeout.</summary>
    Timeout,

    /// <summary>The TCP connection was refused (RST to the SYN).</summary>
    Refused,

    /// <summary>A 5xx reply.</summary>
    Rejected,

    /// <summary>A 4xx reply.</summary>
    TempFailed,

    /// <summary>The peer (or something on the path) reset the connection.</summary>
    Reset,

    /// <summary>The peer closed the connection.</summary>
    Closed,

    /// <summary>The TLS handshake after STARTTLS failed, or STARTTLS was required but not offered.</summary>
    TlsFailed,

    /// <summary>The server's bytes were not valid SMTP (bad code, mismatched multiline codes, line or reply over the cap).</summary>
    ProtocolError,

    /// <summary>The network reported the host or network unreachable, or administratively prohibited (ICMP).</summary>
    Unreachable,

    /// <summary>The tool did not run the stage on purpose (AUTH withheld: no TLS, an unverified certificate, or no mechanism offered).</summary>
    NotAttempted,
}
