using System;
using System.Collections.Generic;
using System.Globalization;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Queue listings: Postfix's "postqueue -j" (one JSON object per message, a delay_reason per recipient, see
/// postqueue(1)), Postfix's "mailq" text (the reason in parentheses above the recipients it applies to) and
/// Exim's "exim -bp" (age, size, ID and sender, then one indented recipient per line, "D" marking delivered).
/// mailq and exim -bp span lines, so this reader keeps the current message between calls.
/// </summary>
internal sealed class QueueListingParser
{
    private string? _queueId;
    private string? _reason;
    private MtaKind _mta;

    public void Reset()
    {
        _queueId = null;
        _reason = null;
    }

    /// <summary>A postqueue -j line: adds one entry per recipient. False when the line is not one.</summary>
    public static bool TryReadJson(string line, List<MtaLogEntry> into)
    {
        if (line.Length < 2 || line[0] != '{' || line.IndexOf("\"queue_id\"", StringComparison.Ordinal) < 0)
        {
            return false;
        }

        var queueId = JsonString(line, "\"queue_id\"", 0);
        DateTimeOffset? arrival = null;
        var at = line.IndexOf("\"arrival_time\"", StringComparison.Ordinal);
        if (at >= 0 && long.TryParse(NumberAfter(line, at + 14), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            arrival = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        var recipients = line.IndexOf("\"recipients\"", StringComparison.Ordinal);
        var from = recipients < 0 ? line.Length : recipients;
        while (true)
        {
            var address = line.IndexOf("\"address\"", from, StringComparison.Ordinal);
            if (address < 0)
            {
                break;
            }

            var next = line.IndexOf("\"address\"", address + 9, StringComparison.Ordinal);
            var limit = next < 0 ? line.Length : next;
            var recipient = JsonString(line, "\"address\"", address);
            var reasonAt = line.IndexOf("\"delay_reason\"", address, StringComparison.Ordinal);
            var reason = reasonAt >= 0 && reasonAt < limit ? JsonString(line, "\"delay_reason\"", reasonAt) : null;
            into.Add(Queued(MtaKind.Postfix, queueId, recipient, reason, arrival));
            from = address + 9;
        }

        return true;
    }

    /// <summary>A line of mailq or exim -bp output; false when it is not part of one.</summary>
    public bool TryReadText(string line, List<MtaLogEntry> into)
    {
        if (line.Length == 0)
        {
            Reset();
            return false;
        }

        if (line.StartsWith("-Queue ID-", StringComparison.Ordinal) || line.StartsWith("-- ", StringComparison.Ordinal) || line == "Mail queue is empty")
        {
            Reset();
            return true;
        }

        // Postfix writes the reason at the start of the line or indented, depending on the version; exim -bp
        // right-aligns the age, so its header may start with a space.
        if ((!char.IsWhiteSpace(line[0]) && !(line[0] == '(' && _queueId is not null)) || IsEximHeader(line))
        {
            return TryHeader(line);
        }

        if (_queueId is null)
        {
            return false;
        }

        var text = line.Trim();
        if (text.StartsWith("(", StringComparison.Ordinal) && text.EndsWith(")", StringComparison.Ordinal))
        {
            _reason = text.Substring(1, text.Length - 2);
            return true;
        }

        if (text.StartsWith("D ", StringComparison.Ordinal) && _mta == MtaKind.Exim)
        {
            return true;
        }

        if (text.IndexOf('@') > 0 && text.IndexOf(' ') < 0)
        {
            into.Add(Queued(_mta, _queueId, text, _reason, null));
            return true;
        }

        return false;
    }

    private static bool IsEximHeader(string line)
    {
        var parts = line.Split(new[] { ' ' }, 4, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && EximLineParser.IsMessageId(parts[2] + " ", 0, out _);
    }

    private bool TryHeader(string line)
    {
        var parts = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);

        // Exim: "25m  2.9K 1rAbCd-0001xY-Ab <alice@example.org>".
        if (parts.Length >= 3 && EximLineParser.IsMessageId(parts[2] + " ", 0, out _))
        {
            _mta = MtaKind.Exim;
            _queueId = parts[2];
            _reason = null;
            return true;
        }

        // Postfix: "4B3E5C0123*    1234 Sun Dec  6 14:00:00  sender@example.org".
        if (parts.Length >= 7 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _) && parts[2].Length == 3 && parts[3].Length == 3)
        {
            _mta = MtaKind.Postfix;
            _queueId = parts[0].TrimEnd('*', '!');
            _reason = null;
            return true;
        }

        Reset();
        return false;
    }

    private static MtaLogEntry Queued(MtaKind mta, string? queueId, string? recipient, string? reason, DateTimeOffset? arrival)
    {
        string? host = null, address = null;
        int? port = null;
        if (reason is not null)
        {
            _ = RelayText.TryFind(reason, out host, out address, out port);
        }

        return new MtaLogEntry
        {
            Mta = mta,
            Timestamp = arrival,
            QueueId = queueId,
            Recipient = recipient,
            RecipientDomain = RelayText.DomainOf(recipient),
            RelayHost = host,
            RelayAddress = address,
            RelayPort = port,
            Disposition = DeliveryDisposition.Queued,
            Reason = reason,
            RemoteReply = reason is null ? null : RemoteReplyText.Find(reason),
        };
    }

    private static string? NumberAfter(string line, int at)
    {
        var start = line.IndexOf(':', at);
        if (start < 0)
        {
            return null;
        }

        start++;
        while (start < line.Length && line[start] == ' ')
        {
            start++;
        }

        var end = start;
        while (end < line.Length && char.IsDigit(line[end]))
        {
            end++;
        }

        return line.Substring(start, end - start);
    }

    /// <summary>The JSON string value after "key": at or after <paramref name="from"/>, with escapes decoded.</summary>
    private static string? JsonString(string line, string key, int from)
    {
        var at = line.IndexOf(key, from, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var quote = line.IndexOf('"', line.IndexOf(':', at + key.Length) + 1);
        if (quote < 0)
        {
            return null;
        }

        var sb = new System.Text.StringBuilder();
        for (var i = quote + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\' && i + 1 < line.Length)
            {
                var e = line[++i];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u' when i + 4 < line.Length && int.TryParse(line.Substring(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                        sb.Append((char)code);
                        i += 4;
                        break;
                    default: sb.Append(e); break;
                }

                continue;
            }

            sb.Append(c);
        }

        return null;
    }
}
