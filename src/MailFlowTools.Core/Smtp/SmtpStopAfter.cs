namespace MailFlowTools.Core.Smtp;

/// <summary>The last stage a probe runs. After it the session ends with QUIT, or by dropping the connection inside DATA.</summary>
public enum SmtpStopAfter
{
    Connect,
    Banner,
    Ehlo,
    StartTls,
    Mail,
    Rcpt,
    Data,

    /// <summary>The default: send the message data, then drop the connection before the final "." unless -Deliver.</summary>
    Body,
}
