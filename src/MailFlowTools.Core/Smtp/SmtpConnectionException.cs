using System;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// A connection-level failure of <see cref="SmtpConnection"/>, already classified as a stage outcome
/// (Timeout, Refused, Reset, Closed, TlsFailed, ProtocolError, Unreachable). Never carries secrets.
/// </summary>
public sealed class SmtpConnectionException : Exception
{
    public SmtpConnectionException(SmtpStageOutcome outcome, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Outcome = outcome;
    }

    public SmtpStageOutcome Outcome { get; }

    /// <summary>Set when <see cref="Outcome"/> is ProtocolError.</summary>
    public SmtpProtocolError? ProtocolError => (InnerException as SmtpProtocolException)?.Error;
}
