namespace MailFlowTools.Core.Smtp;

/// <summary>The stages of a probe session, in the order they happen.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum SmtpStage : long
{
    Connect,
    Banner,
    Ehlo,

    /// <summary>HELO after the server rejected EHLO with 5xx.</summary>
    Helo,
    StartTls,

    /// <summary>EHLO again inside TLS.</summary>
    EhloTls,
    Auth,
    MailFrom,
    RcptTo,
    Data,

    /// <summary>The message data after 354, until the peer has acknowledged every byte.</summary>
    Body,

    /// <summary>The final "." and the server's reply (only with -Deliver).</summary>
    EndOfData,
    Quit,
}
