namespace MailFlowTools.Tests.Smtp;

/// <summary>What <see cref="AuthSmtpBehaviour"/> does once the client's credential (or a LOGIN step) arrives.</summary>
internal enum AuthReaction
{
    Accept,
    Reject,

    /// <summary>Resets the connection (RST) right after the credential arrives.</summary>
    Reset,

    /// <summary>Never answers: the client's stage timeout must end it.</summary>
    Silent,

    /// <summary>Answers with a line that is not SMTP and quotes the password.</summary>
    Garbage,
}
