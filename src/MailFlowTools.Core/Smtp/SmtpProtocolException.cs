using System;

namespace MailFlowTools.Core.Smtp;

/// <summary>The only exception <see cref="SmtpReplyParser"/> throws: the input is not a valid, bounded SMTP reply.</summary>
public sealed class SmtpProtocolException : Exception
{
    public SmtpProtocolException(SmtpProtocolError error, string message)
        : base(message)
    {
        Error = error;
    }

    public SmtpProtocolError Error { get; }
}
