using System;

namespace MailFlowTools.Core.Reporting;

/// <summary>One timestamped protocol line. The text is redacted before an entry is created.</summary>
public sealed class TranscriptEntry
{
    public TranscriptEntry(DateTimeOffset timestamp, string session, TranscriptDirection direction, string text)
    {
        Timestamp = timestamp;
        Session = session;
        Direction = direction;
        Text = text;
    }

    public DateTimeOffset Timestamp { get; }

    /// <summary>Identifies the connection or probe the line belongs to.</summary>
    public string Session { get; }

    public TranscriptDirection Direction { get; }

    public string Text { get; }

    public override string ToString()
    {
        var arrow = Direction switch
        {
            TranscriptDirection.Sent => "C:",
            TranscriptDirection.Received => "S:",
            _ => "--",
        };
        return FormattableString.Invariant($"{Timestamp:HH:mm:ss.fff} [{Session}] {arrow} {Text}");
    }
}
