using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// One recipient's line from an MTA log or queue listing, with the MTA's own words kept apart from the remote
/// server's reply that they quote.
/// </summary>
public sealed class MtaLogEntry
{
    public MtaKind Mta { get; init; }

    /// <summary>When the line was written; null when the format has no time (a bare reply, mailq's reason line).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The MTA's queue or message ID.</summary>
    public string? QueueId { get; init; }

    public string? Recipient { get; init; }

    /// <summary>The recipient's domain, lower case.</summary>
    public string? RecipientDomain { get; init; }

    /// <summary>The host the MTA talked to (Postfix relay=, Exim H=, Sendmail relay=), without the address.</summary>
    public string? RelayHost { get; init; }

    /// <summary>The address in brackets after the host name.</summary>
    public string? RelayAddress { get; init; }

    public int? RelayPort { get; init; }

    /// <summary>The enhanced status the MTA logged (Postfix dsn=), when it logged one.</summary>
    public string? Dsn { get; init; }

    public DeliveryDisposition Disposition { get; init; }

    /// <summary>The MTA's own words (Postfix's text in parentheses, Exim's error after the host).</summary>
    public string? Reason { get; init; }

    /// <summary>The SMTP reply from the remote server that the reason quotes, when it quotes one.</summary>
    public string? RemoteReply { get; init; }

    public override string ToString() => (Mta + " " + Disposition + " " + (Recipient ?? RelayAddress ?? RelayHost ?? string.Empty)).TrimEnd();
}
