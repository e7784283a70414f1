namespace MailFlowTools.Core.Smtp;

/// <summary>How the envelope (MAIL, RCPT…, DATA) goes on the wire.</summary>
public enum SmtpPipeliningMode
{
    /// <summary>One write when the server advertises PIPELINING (RFC 2920), as MTAs do; else one command at a time.</summary>
    Auto,

    /// <summary>One command at a time, waiting for each reply (like a person typing).</summary>
    Off,

    /// <summary>One write even when the server does not advertise PIPELINING.</summary>
    Force,
}
