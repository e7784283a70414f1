namespace MailFlowTools.Core.Smtp;

/// <summary>Why bytes from the server are not a valid SMTP reply.</summary>
public enum SmtpProtocolError
{
    /// <summary>A line does not start with three digits, or the first digit is not 2..5.</summary>
    InvalidReplyCode,

    /// <summary>The character after the code is neither space, hyphen nor the end of the line.</summary>
    InvalidSeparator,

    /// <summary>Lines of one multiline reply carry different codes.</summary>
    MismatchedCode,

    /// <summary>A line is longer than the parser's line cap.</summary>
    LineTooLong,

    /// <summary>A multiline reply is longer than the parser's reply cap.</summary>
    ReplyTooLong,

    /// <summary>The server sent something unexpected for the protocol state (e.g. text after 220 to STARTTLS).</summary>
    UnexpectedData,
}
