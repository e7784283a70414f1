namespace MailFlowTools.Core.Logs;

/// <summary>Which mail server wrote a log line or a queue listing.</summary>
public enum MtaKind : long
{
    Unknown = 0,
    Postfix,
    Exim,
    Sendmail,

    /// <summary>Exchange Server: a queue's LastError or a message-tracking RecipientStatus.</summary>
    Exchange,

    /// <summary>Exchange Online: enhanced codes with bracketed details ([Message=…]).</summary>
    ExchangeOnline,
}
