namespace MailFlowTools.Core.Smtp;

public enum SmtpStartTlsMode
{
    /// <summary>Use STARTTLS when the server offers it.</summary>
    Auto,

    /// <summary>Use STARTTLS; a server that does not offer it fails the StartTls stage.</summary>
    Require,

    /// <summary>Stay in plain text.</summary>
    Off,
}
