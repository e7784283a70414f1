using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>How <see cref="SmtpConnection"/> sets up its socket and bounds what it reads.</summary>
public sealed class SmtpConnectionSettings
{
    public static readonly SmtpConnectionSettings Default = new();

    /// <summary>TCP_MAXSEG set before connect; null leaves the OS default.</summary>
    public int? MaxSegmentSize { get; init; }

    /// <summary>Nagle off (default), so every write leaves at once as its own segment(s).</summary>
    public bool NoDelay { get; init; } = true;

    public int MaxLineLength { get; init; } = SmtpReplyParser.DefaultMaxLineLength;

    public int MaxReplyLength { get; init; } = SmtpReplyParser.DefaultMaxReplyLength;

    /// <summary>Secrets masked in every reply, transcript line and error of the connection (a server may echo them).</summary>
    public SecretRedactor Redactor { get; init; } = SecretRedactor.None;
}
