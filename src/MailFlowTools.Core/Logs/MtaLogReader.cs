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

    private static LogLineKind Kind(List<MtaLogEntry> into) => into.Count > 0 ? LogLineKind.Delivery : LogLineKind.Other;

    private LogLineKind ReadTimed(string line, int start, DateTimeOffset timestamp, List<MtaLogEntry> into)
    {
        MtaLogEntry? entry;
        if (EximLineParser.IsMessageId(line, start, out _) || (start + 2 < line.Length && (line[start] == '[' || string.CompareOrdinal(line, start, "H=", 0, 2) == 0)))
        {
            entry = EximLineParser.Parse(line, start, timestamp);
        }
        else if (SyslogLine.TryRead(line, start, out var syslog))
        {
            if (syslog.TagStartsWith("postfix") || syslog.TagContains("/smtp"))
            {
                entry = PostfixLineParser.Parse(line, syslog.MessageStart, timestamp, _countSentOnly);
            }
            else if (syslog.TagIs("sendmail") || syslog.TagIs("sm-mta") || syslog.TagContains("/sendmail"))
            {
                entry = SendmailLineParser.Parse(line, syslog.MessageStart, timestamp);
            }
            else if (syslog.TagStartsWith("exim"))
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
