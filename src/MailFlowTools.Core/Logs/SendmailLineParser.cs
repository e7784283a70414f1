using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Sendmail's delivery lines: "QUEUEID: to=&lt;…&gt;, delay=…, mailer=esmtp, pri=…, relay=host. [address],
/// dsn=4.0.0, stat=Deferred: Connection timed out with host." (sendmail/deliver.c logdelivery()).
/// </summary>
internal static class SendmailLineParser
{
    public static bool IsSendmailTag(string tag) => tag == "sendmail" || tag == "sm-mta" || tag.EndsWith("/sendmail", StringComparison.Ordinal);

    public static MtaLogEntry? Parse(string line, int start, DateTimeOffset? timestamp)
    {
        var stat = line.IndexOf(", stat=", start, StringComparison.Ordinal);
        var to = line.IndexOf(": to=", start, StringComparison.Ordinal);
        if (stat < 0 || to < 0)
        {
            return null;
        }

        var queueId = line.Substring(start, to - start);
        var recipient = Recipient(line, to + 5);
        var statText = line.Substring(stat + 7).TrimEnd();
        string? host = null, address = null;
        int? port = null;
        var relay = line.IndexOf(", relay=", to, StringComparison.Ordinal);
        if (relay >= 0 && relay < stat)
        {
            var end = line.IndexOf(", ", relay + 8, StringComparison.Ordinal);
            _ = RelayText.TryParse(line.Substring(relay + 8, (end < 0 ? stat : end) - relay - 8), out host, out address, out port);
        }

        string? dsn = null;
        var dsnAt = line.IndexOf(", dsn=", to, StringComparison.Ordinal);
        if (dsnAt >= 0 && dsnAt < stat)
        {
            var end = line.IndexOf(',', dsnAt + 6);
            dsn = line.Substring(dsnAt + 6, (end < 0 ? stat : end) - dsnAt - 6);
        }

        DeliveryDisposition disposition;
        string reason;
        if (statText.StartsWith("Deferred", StringComparison.Ordinal))
        {
            disposition = DeliveryDisposition.Deferred;
            reason = statText.Length > 10 && statText[8] == ':' ? statText.Substring(10) : statText;
        }
        else if (statText.StartsWith("Sent", StringComparison.Ordinal))
        {
            disposition = DeliveryDisposition.Sent;
            reason = statText;
        }
        else
        {
            // Sendmail writes the error itself for a bounce ("stat=User unknown"); dsn= says it is permanent.
            disposition = dsn is not null && dsn.StartsWith("5", StringComparison.Ordinal) ? DeliveryDisposition.Bounced : DeliveryDisposition.Unknown;
            reason = statText;
        }

        if (host is null && address is null)
        {
            _ = RelayText.TryFind(reason, out host, out address, out port);
        }

        return new MtaLogEntry
        {
            Mta = MtaKind.Sendmail,
            Timestamp = timestamp,
            QueueId = queueId,
            Recipient = recipient,
            RecipientDomain = RelayText.DomainOf(recipient),
            RelayHost = host ?? HostAfter(reason),
            RelayAddress = address,
            RelayPort = port,
            Dsn = dsn,
            Disposition = disposition,
            Reason = reason,
            RemoteReply = RemoteReplyText.Find(reason, bare: true),
        };
    }

    private static string? Recipient(string line, int at)
    {
        var end = line.IndexOf(", ", at, StringComparison.Ordinal);
        var value = line.Substring(at, (end < 0 ? line.Length : end) - at);
        var comma = value.IndexOf(',');
        if (comma > 0)
        {
            value = value.Substring(0, comma);
        }

        return value.Trim('<', '>', ' ');
    }

    /// <summary>Sendmail's "Connection timed out with host." and "Connection refused by host.": the host named.</summary>
    private static string? HostAfter(string reason)
    {
        foreach (var marker in new[] { " with ", " by ", " to " })
        {
            var at = reason.LastIndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var host = reason.Substring(at + marker.Length).Trim().TrimEnd('.');
                if (host.Length > 0 && host.IndexOf(' ') < 0 && host.IndexOf('.') > 0)
                {
                    return host;
                }
            }
        }

        return null;
    }
}
