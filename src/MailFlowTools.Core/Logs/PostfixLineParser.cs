using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Postfix delivery agents' lines (smtp, lmtp, error, local, virtual, pipe, and qmgr's status=expired):
/// "QUEUEID: to=&lt;…&gt;, relay=host[address]:port, delay=…, dsn=4.4.2, status=deferred (reason)", and the line
/// Postfix writes when one MX fails and it tries the next ("QUEUEID: lost connection with host[address] while …").
/// Written from Postfix's smtp_proto.c, smtp_connect.c and the log format in postconf(5)/MAILLOG_README.
/// </summary>
internal static class PostfixLineParser
{
    /// <summary>Reads one Postfix message; null when it is not about a recipient's delivery.</summary>
    public static MtaLogEntry? Parse(string line, int start, DateTimeOffset? timestamp, bool countSentOnly = false)
    {
        var idEnd = line.IndexOf(": ", start, StringComparison.Ordinal);
        var hasId = idEnd > start && IsQueueId(line, start, idEnd);
        var body = hasId ? idEnd + 2 : start;

        // Most lines (connect, cleanup, qmgr, anvil) have neither a status nor a failure phrase: no copies for them.
        var status = line.IndexOf(" status=", body, StringComparison.Ordinal);
        if (status < 0)
        {
            return HostFailure(line, body, hasId ? line.Substring(start, idEnd - start) : null, timestamp);
        }

        var queueId = hasId ? line.Substring(start, idEnd - start) : null;

        if (countSentOnly && string.CompareOrdinal(line, status + 8, "sent ", 0, 5) == 0)
        {
            return new MtaLogEntry { Mta = MtaKind.Postfix, Timestamp = timestamp, QueueId = queueId, Disposition = DeliveryDisposition.Sent };
        }

        var to = FieldStart(line, body, "to=<");
        if (to < 0 && line.IndexOf("status=expired", status, StringComparison.Ordinal) < 0)
        {
            return null;
        }

        string? recipient = null;
        if (to >= 0)
        {
            var close = line.IndexOf('>', to);
            recipient = close > to ? line.Substring(to, close - to) : null;
        }

        var wordStart = status + 8;
        var wordEnd = wordStart;
        while (wordEnd < line.Length && line[wordEnd] != ' ' && line[wordEnd] != ',')
        {
            wordEnd++;
        }

        var disposition = Disposition(line, wordStart, wordEnd - wordStart);
        var reason = Reason(line, wordEnd);
        string? host = null, address = null;
        int? port = null;
        var relay = FieldStart(line, body, "relay=");
        if (relay >= 0)
        {
            var comma = line.IndexOf(',', relay);
            _ = RelayText.TryParse(line.Substring(relay, (comma < 0 ? line.Length : comma) - relay), out host, out address, out port);
        }

        if (host is null && address is null && reason is not null)
        {
            _ = RelayText.TryFind(reason, out host, out address, out port);
        }

        string? dsn = null;
        var dsnAt = FieldStart(line, body, "dsn=");
        if (dsnAt >= 0)
        {
            var comma = line.IndexOf(',', dsnAt);
            dsn = line.Substring(dsnAt, (comma < 0 ? line.Length : comma) - dsnAt);
        }

        return new MtaLogEntry
        {
            Mta = MtaKind.Postfix,
            Timestamp = timestamp,
            QueueId = queueId,
            Recipient = recipient,
            RecipientDomain = RelayText.DomainOf(recipient),
            RelayHost = host,
            RelayAddress = address,
            RelayPort = port,
            Dsn = dsn,
            Disposition = disposition,
            Reason = reason,
            RemoteReply = reason is null ? null : RemoteReplyText.Find(reason),
        };
    }

    /// <summary>Reads the reason text in parentheses after the status word, without the outer parentheses.</summary>
    public static string? Reason(string line, int after)
    {
        var open = line.IndexOf('(', after);
        if (open < 0)
        {
            var rest = line.Substring(after).Trim(' ', ',');
            return rest.Length == 0 ? null : rest;
        }

        var end = line.Length;
        while (end > open && char.IsWhiteSpace(line[end - 1]))
        {
            end--;
        }

        if (end > open + 1 && line[end - 1] == ')')
        {
            end--;
        }

        return line.Substring(open + 1, end - open - 1);
    }

    private static MtaLogEntry? HostFailure(string line, int body, string? queueId, DateTimeOffset? timestamp)
    {
        // Only the failure phrases of smtp_proto.c / smtp_connect.c; qmgr, cleanup and smtpd lines are not ours.
        if (!(StartsWith(line, body, "lost connection with ") || StartsWith(line, body, "conversation with ") || StartsWith(line, body, "connect to ")
            || StartsWith(line, body, "TLS is required") || StartsWith(line, body, "Cannot start TLS")))
        {
            return null;
        }

        var reason = line.Substring(body).TrimEnd();
        _ = RelayText.TryFind(reason, out var host, out var address, out var port);
        return new MtaLogEntry
        {
            Mta = MtaKind.Postfix,
            Timestamp = timestamp,
            QueueId = queueId,
            RelayHost = host,
            RelayAddress = address,
            RelayPort = port,
            Disposition = DeliveryDisposition.HostFailed,
            Reason = reason,
            RemoteReply = RemoteReplyText.Find(reason),
        };
    }

    private static DeliveryDisposition Disposition(string line, int at, int length)
    {
        if (Is(line, at, length, "sent") || Is(line, at, length, "delivered"))
        {
            return DeliveryDisposition.Sent;
        }

        if (Is(line, at, length, "deferred"))
        {
            return DeliveryDisposition.Deferred;
        }

        if (Is(line, at, length, "bounced") || Is(line, at, length, "undeliverable"))
        {
            return DeliveryDisposition.Bounced;
        }

        return Is(line, at, length, "expired") ? DeliveryDisposition.Expired : DeliveryDisposition.Unknown;
    }

    private static bool Is(string line, int at, int length, string word) => length == word.Length && string.CompareOrdinal(line, at, word, 0, length) == 0;

    private static bool StartsWith(string line, int at, string prefix) => string.CompareOrdinal(line, at, prefix, 0, prefix.Length) == 0;

    /// <summary>Where a "key=value" field's value starts; the key must start the body or follow a space.</summary>
    private static int FieldStart(string line, int body, string key)
    {
        var at = line.IndexOf(key, body, StringComparison.Ordinal);
        while (at >= 0)
        {
            if (at == body || line[at - 1] == ' ')
            {
                return at + key.Length;
            }

            at = line.IndexOf(key, at + 1, StringComparison.Ordinal);
        }

        return -1;
    }

    private static bool IsQueueId(string line, int start, int end)
    {
        if (end - start < 5 || end - start > 20)
        {
            return false;
        }

        for (var i = start; i < end; i++)
        {
            if (!char.IsLetterOrDigit(line[i]))
            {
                return false;
            }
        }

        return true;
    }
}
