using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Reads MTA log and queue lines one at a time: syslog lines from Postfix and Sendmail, Exim's main log,
/// postqueue -j, mailq and exim -bp. Keeps only the state a multi-line queue listing needs, so a whole log goes
/// through in constant memory. Not thread-safe: one reader per stream.
/// </summary>
public sealed class MtaLogReader
{
    private readonly DateTimeOffset _reference;
    private readonly QueueListingParser _queue = new();

    private readonly bool _countSentOnly;

    /// <param name="reference">The time the log is read at: gives a syslog timestamp its year and zone.</param>
    /// <param name="countSentOnly">A summary only counts successful deliveries: their entries carry the queue ID and nothing else.</param>
    public MtaLogReader(DateTimeOffset reference, bool countSentOnly = false)
    {
        _reference = reference;
        _countSentOnly = countSentOnly;
    }

    /// <summary>Adds the entries the line holds to <paramref name="into"/> and says what kind of line it was.</summary>
    public LogLineKind Read(string line, List<MtaLogEntry> into)
    {
        if (line.Length == 0)
        {
            _queue.Reset();
            return LogLineKind.Text;
        }

        if (LogTimestamp.TryParse(line, _reference, out var timestamp, out var end))
        {
            _queue.Reset();
            return ReadTimed(line, end, timestamp, into);
        }

        if (line[0] == '{')
        {
            return QueueListingParser.TryReadJson(line, into) ? Kind(into) : LogLineKind.Text;
        }

        var before = into.Count;
        if (_queue.TryReadText(line, into))
        {
            return into.Count > before ? LogLineKind.Delivery : LogLineKind.Other;
        }

        return LogLineKind.Text;
    }

    /// <summary>
    /// Decides a line still in the reader's buffer without copying it, where that is certain, as <see cref="Read"/>
    /// would: <see cref="LogLineKind.Other"/> for a timestamped line that is not about a delivery, and, when only
    /// successful deliveries are counted, <see cref="LogLineKind.Delivery"/> for a Postfix "status=sent" line, with
    /// its time and the place of its queue ID (length 0 when it has none). Null when only <see cref="Read"/> can tell.
    /// Most lines of a busy log are one of the two, so a summary copies few lines.
    /// </summary>
    internal LogLineKind? ReadBuffered(ReadOnlySpan<char> line, out DateTimeOffset timestamp, out int idStart, out int idLength)
    {
        idStart = idLength = 0;
        timestamp = default;
        if (!LogTimestamp.IsTimestamp(line, _reference, out var start))
        {
            return null;
        }

        _queue.Reset();
        if (LooksLikeExim(line, start))
        {
            return null;
        }

        if (!SyslogLine.TryRead(line, start, out var tagStart, out var tagLength, out var messageStart))
        {
            return LogLineKind.Other;
        }

        var tag = line.Slice(tagStart, tagLength);
        if (IsPostfix(tag))
        {
            var shape = PostfixLineParser.Shape(line, messageStart, out idStart, out idLength);
            if (shape is null)
            {
                return LogLineKind.Other;
            }

            return shape == DeliveryDisposition.Sent && _countSentOnly && LogTimestamp.TryParse(line, _reference, out timestamp, out _) ? LogLineKind.Delivery : null;
        }

        return IsSendmail(tag) || IsExim(tag) ? null : LogLineKind.Other;
    }

    /// <summary>Reads one text that may be a single log line, queue line or Exchange LastError; null otherwise.</summary>
    public static MtaLogEntry? ReadOne(string text, DateTimeOffset reference)
    {
        var trimmed = text.Trim();
        var entries = new List<MtaLogEntry>(1);
        var reader = new MtaLogReader(reference);
        if (trimmed.IndexOf('\n') < 0 && reader.Read(trimmed, entries) == LogLineKind.Delivery && entries.Count > 0)
        {
            return entries[0];
        }

        return ExchangeTextParser.Parse(trimmed);
    }

    /// <summary>An Exim main log line: a message ID, Exim's "[pid]" or a host line right after the timestamp.</summary>
    private static bool LooksLikeExim(ReadOnlySpan<char> line, int start) =>
        EximLineParser.IsMessageId(line, start, out _) || (start + 2 < line.Length && (line[start] == '[' || (line[start] == 'H' && line[start + 1] == '=')));

    private static bool IsPostfix(ReadOnlySpan<char> tag) => tag.StartsWith("postfix".AsSpan()) || tag.IndexOf("/smtp".AsSpan()) >= 0;

    private static bool IsSendmail(ReadOnlySpan<char> tag) =>
        tag.SequenceEqual("sendmail".AsSpan()) || tag.SequenceEqual("sm-mta".AsSpan()) || tag.IndexOf("/sendmail".AsSpan()) >= 0;

    private static bool IsExim(ReadOnlySpan<char> tag) => tag.StartsWith("exim".AsSpan());

    private static LogLineKind Kind(List<MtaLogEntry> into) => into.Count > 0 ? LogLineKind.Delivery : LogLineKind.Other;

    private LogLineKind ReadTimed(string line, int start, DateTimeOffset timestamp, List<MtaLogEntry> into)
    {
        MtaLogEntry? entry;
        if (LooksLikeExim(line.AsSpan(), start))
        {
            entry = EximLineParser.Parse(line, start, timestamp);
        }
        else if (SyslogLine.TryRead(line, start, out var syslog))
        {
            if (IsPostfix(syslog.TagSpan))
            {
                entry = PostfixLineParser.Parse(line, syslog.MessageStart, timestamp, _countSentOnly);
            }
            else if (IsSendmail(syslog.TagSpan))
            {
                entry = SendmailLineParser.Parse(line, syslog.MessageStart, timestamp);
            }
            else if (IsExim(syslog.TagSpan))
            {
                // Exim to syslog: the message is the main log line without its own timestamp.
                entry = EximLineParser.Parse(line, syslog.MessageStart, timestamp);
            }
            else
            {
                entry = null;
            }
        }
        else
        {
            entry = null;
        }

        if (entry is null)
        {
            return LogLineKind.Other;
        }

        into.Add(entry);
        return LogLineKind.Delivery;
    }
}
