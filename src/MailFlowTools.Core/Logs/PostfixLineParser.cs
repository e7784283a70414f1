using System;
using System.Runtime.CompilerServices;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Postfix delivery agents' lines (smtp, lmtp, error, local, virtual, pipe, and qmgr's status=expired):
/// "QUEUEID: to=&lt;…&gt;, relay=host[address]:port, delay=…, dsn=4.4.2, status=deferred (reason)", and the line
/// Postfix writes when one MX fails and it tries the next ("QUEUEID: lost connection with host[address] while …").
/// Written from Postfix's smtp_proto.c, smtp_connect.c and the log format in postconf(5)/MAILLOG_README.
/// </summary>
internal static class PostfixLineParser
{
    private const int MaxQueueId = 20;

    /// <summary>Reads one Postfix message; null when it is not about a recipient's delivery.</summary>
    public static MtaLogEntry? Parse(string line, int start, DateTimeOffset? timestamp, bool countSentOnly = false)
    {
        Locate(line.AsSpan(), start, out var idEnd, out var hasId, out var body, out var status);

        // Most lines (connect, cleanup, qmgr, anvil) have neither a status nor a failure phrase: no copies for them.
        if (status < 0)
        {
            return HostFailure(line, body, hasId ? line.Substring(start, idEnd - start) : null, timestamp);
        }

        var queueId = hasId ? line.Substring(start, idEnd - start) : null;

        if (countSentOnly && IsSent(line.AsSpan(), status))
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

    /// <summary>
    /// What <see cref="Parse"/> would make of a message, decided without copying the line: null (not about a
    /// delivery), <see cref="DeliveryDisposition.Sent"/> (a successful delivery, as a summary counts it, with the
    /// queue ID's place; empty when there is none), or <see cref="DeliveryDisposition.Unknown"/> when only a full
    /// parse can tell.
    /// </summary>
    public static DeliveryDisposition? Shape(ReadOnlySpan<char> line, int start, out int idStart, out int idLength)
    {
        Locate(line, start, out var idEnd, out var hasId, out var body, out var status);
        idStart = start;
        idLength = hasId ? idEnd - start : 0;
        if (status < 0)
        {
            return IsHostFailure(line, body) ? DeliveryDisposition.Unknown : null;
        }

        return IsSent(line, status) ? DeliveryDisposition.Sent : DeliveryDisposition.Unknown;
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

    /// <summary>The queue ID (when the message starts with one), where the text after it starts, and " status=" in it.</summary>
    private static void Locate(ReadOnlySpan<char> line, int start, out int idEnd, out bool hasId, out int body, out int status)
    {
        // A queue ID is at most 20 characters: a ": " further on cannot end one, so only the start is searched.
        idEnd = line.Slice(start, Math.Min(MaxQueueId + 2, line.Length - start)).IndexOf(": ".AsSpan());
        idEnd = idEnd < 0 ? -1 : idEnd + start;
        hasId = idEnd > start && IsQueueId(line, start, idEnd);
        body = hasId ? idEnd + 2 : start;
        status = IndexOf(line, body, " status=");
    }

    private static int IndexOf(ReadOnlySpan<char> line, int from, string value)
    {
        var at = line.Slice(from).IndexOf(value.AsSpan());
        return at < 0 ? -1 : at + from;
    }

    private static bool IsSent(ReadOnlySpan<char> line, int status) => line.Slice(status + 8).StartsWith("sent ".AsSpan());

    /// <summary>Only the failure phrases of smtp_proto.c / smtp_connect.c; qmgr, cleanup and smtpd lines are not ours.</summary>
    private static bool IsHostFailure(ReadOnlySpan<char> line, int body)
    {
        var text = line.Slice(body);
        return text.Length > 0 && text[0] switch
        {
            'l' => text.StartsWith("lost connection with ".AsSpan()),
            'c' => text.StartsWith("conversation with ".AsSpan()) || text.StartsWith("connect to ".AsSpan()),
            'T' => text.StartsWith("TLS is required".AsSpan()),
            'C' => text.StartsWith("Cannot start TLS".AsSpan()),
            _ => false,
        };
    }

    private static MtaLogEntry? HostFailure(string line, int body, string? queueId, DateTimeOffset? timestamp)
    {
        if (!IsHostFailure(line.AsSpan(), body))
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

    private static bool IsQueueId(ReadOnlySpan<char> line, int start, int end)
    {
        if (end - start < 5 || end - start > MaxQueueId)
        {
            return false;
        }

        for (var i = start; i < end; i++)
        {
            if (!IsLetterOrDigit(line[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>char.IsLetterOrDigit, with ASCII answered without the Unicode table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsLetterOrDigit(char c) =>
        c < 0x80 ? (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 : char.IsLetterOrDigit(c);
}
