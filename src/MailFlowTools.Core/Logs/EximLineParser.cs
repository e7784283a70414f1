using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Exim main log lines after the timestamp: "MSGID == rcpt R=router T=transport defer (errno) H=host [address]:
/// reason" (deferred), "**" (failed), "=>" and "->" (delivered), and the host lines Exim writes when a host fails
/// ("MSGID H=host [address] Connection timed out"). Format from the Exim specification, chapter "Log files",
/// section "Log line flags"; messages from src/transports/smtp.c.
/// </summary>
internal static class EximLineParser
{
    /// <summary>Exim message IDs: "1rAbCd-0001xY-Ab" (before 4.97) and "1rAbCd-00000001xY-Abcd" (4.97 on).</summary>
    public static bool IsMessageId(string line, int at, out int end) => IsMessageId(line.AsSpan(), at, out end);

    public static bool IsMessageId(ReadOnlySpan<char> line, int at, out int end)
    {
        end = at;
        if (at + 16 > line.Length || line[at + 6] != '-')
        {
            return false;
        }

        var second = line.Slice(at + 7).IndexOf('-');
        second = second < 0 ? -1 : second + at + 7;
        if (second != at + 13 && second != at + 18)
        {
            return false;
        }

        var stop = second + (second == at + 13 ? 3 : 5);
        if (stop > line.Length || (stop < line.Length && line[stop] != ' '))
        {
            return false;
        }

        for (var i = at; i < stop; i++)
        {
            if (!char.IsLetterOrDigit(line[i]) && line[i] != '-')
            {
                return false;
            }
        }

        end = stop;
        return true;
    }

    public static MtaLogEntry? Parse(string line, int start, DateTimeOffset? timestamp)
    {
        // Exim's log_selector +pid writes "[pid] " before the ID.
        if (start < line.Length && line[start] == '[')
        {
            var close = line.IndexOf("] ", start, StringComparison.Ordinal);
            start = close < 0 ? start : close + 2;
        }

        string? messageId = null;
        if (IsMessageId(line, start, out var idEnd))
        {
            messageId = line.Substring(start, idEnd - start);
            start = idEnd + 1;
        }

        if (start + 3 > line.Length)
        {
            return null;
        }

        if (string.CompareOrdinal(line, start, "H=", 0, 2) == 0)
        {
            return HostLine(line, start, messageId, timestamp);
        }

        var flag = line.Substring(start, 2);
        var disposition = flag switch
        {
            "==" => DeliveryDisposition.Deferred,
            "**" => DeliveryDisposition.Bounced,
            "=>" or "->" or "*>" => DeliveryDisposition.Sent,
            _ => DeliveryDisposition.Unknown,
        };
        if (disposition == DeliveryDisposition.Unknown || line[start + 2] != ' ')
        {
            return null;
        }

        var rcptStart = start + 3;
        var rcptEnd = rcptStart;
        while (rcptEnd < line.Length && line[rcptEnd] != ' ' && !(line[rcptEnd] == ':' && (rcptEnd + 1 == line.Length || line[rcptEnd + 1] == ' ')))
        {
            rcptEnd++;
        }

        var recipient = line.Substring(rcptStart, rcptEnd - rcptStart).Trim('<', '>');
        string? host = null, address = null;
        int? port = null;
        string? reason = null;
        var h = line.IndexOf(" H=", rcptEnd, StringComparison.Ordinal);
        if (h >= 0)
        {
            ReadHost(line, h + 3, out host, out address, out port, out var after);
            if (disposition != DeliveryDisposition.Sent)
            {
                reason = After(line, after);
            }
        }

        if (reason is null && disposition != DeliveryDisposition.Sent)
        {
            var defer = line.IndexOf(" defer (", rcptEnd, StringComparison.Ordinal);
            var from = defer >= 0 ? line.IndexOf(')', defer) + 1 : rcptEnd;
            var colon = line.IndexOf(": ", from, StringComparison.Ordinal);
            reason = colon >= 0 ? line.Substring(colon + 2).TrimEnd() : null;
            if (reason is not null && h >= 0 && reason.IndexOf(" H=", StringComparison.Ordinal) is var inner && inner >= 0)
            {
                reason = reason.Substring(0, inner);
            }
        }

        return new MtaLogEntry
        {
            Mta = MtaKind.Exim,
            Timestamp = timestamp,
            QueueId = messageId,
            Recipient = recipient,
            RecipientDomain = RelayText.DomainOf(recipient),
            RelayHost = host,
            RelayAddress = address,
            RelayPort = port,
            Disposition = disposition,
            Reason = reason,
            RemoteReply = reason is null ? null : RemoteReplyText.Find(reason),
        };
    }

    private static MtaLogEntry? HostLine(string line, int start, string? messageId, DateTimeOffset? timestamp)
    {
        ReadHost(line, start + 2, out var host, out var address, out var port, out var after);
        var reason = After(line, after);
        if (reason is null)
        {
            return null;
        }

        return new MtaLogEntry
        {
            Mta = MtaKind.Exim,
            Timestamp = timestamp,
            QueueId = messageId,
            RelayHost = host,
            RelayAddress = address,
            RelayPort = port,
            Disposition = DeliveryDisposition.HostFailed,
            Reason = reason,
            RemoteReply = RemoteReplyText.Find(reason),
        };
    }

    /// <summary>Reads "host [address]:port" (the address part optional) and where the text after it starts.</summary>
    private static void ReadHost(string line, int at, out string? host, out string? address, out int? port, out int after)
    {
        var space = line.IndexOf(' ', at);
        var end = space < 0 ? line.Length : space;
        if (space > 0 && space + 1 < line.Length && line[space + 1] == '[')
        {
            var close = line.IndexOf(']', space);
            end = close < 0 ? line.Length : close + 1;
            while (end < line.Length && (line[end] == ':' && end + 1 < line.Length && char.IsDigit(line[end + 1])))
            {
                end++;
                while (end < line.Length && char.IsDigit(line[end]))
                {
                    end++;
                }
            }
        }

        var text = line.Substring(at, end - at).TrimEnd(':');
        _ = RelayText.TryParse(text, out host, out address, out port);
        after = end;
    }

    private static string? After(string line, int at)
    {
        while (at < line.Length && (line[at] == ':' || line[at] == ' '))
        {
            at++;
        }

        // Exim adds the tls and cipher fields before the error on some lines; they are not the reason.
        while (at + 2 < line.Length && (string.CompareOrdinal(line, at, "X=", 0, 2) == 0 || string.CompareOrdinal(line, at, "CV=", 0, 3) == 0 || string.CompareOrdinal(line, at, "DN=", 0, 3) == 0))
        {
            var space = line.IndexOf(' ', at);
            if (space < 0)
            {
                return null;
            }

            at = space + 1;
        }

        var text = line.Substring(at).TrimEnd();
        return text.Length == 0 ? null : text;
    }
}
