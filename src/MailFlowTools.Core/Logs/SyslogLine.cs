using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// The parts of a syslog line after its timestamp: "host tag[pid]: message". Rsyslog, journald's short and
/// short-iso output and Postfix's own maillog_file all write this shape.
/// </summary>
internal readonly struct SyslogLine
{
    private readonly string _line;
    private readonly int _tagStart;
    private readonly int _tagLength;

    public SyslogLine(string line, int tagStart, int tagLength, int messageStart)
    {
        _line = line;
        _tagStart = tagStart;
        _tagLength = tagLength;
        MessageStart = messageStart;
    }

    /// <summary>The program name without the [pid], e.g. "postfix/smtp", "postfix-sender/smtp", "sendmail" (read without copying it).</summary>
    public string Tag => _line.Substring(_tagStart, _tagLength);

    /// <summary>The same tag, read in place.</summary>
    public ReadOnlySpan<char> TagSpan => _line.AsSpan(_tagStart, _tagLength);

    public int MessageStart { get; }

    public static bool TryRead(string line, int start, out SyslogLine parsed)
    {
        if (!TryRead(line.AsSpan(), start, out var tagStart, out var tagLength, out var messageStart))
        {
            parsed = default;
            return false;
        }

        parsed = new SyslogLine(line, tagStart, tagLength, messageStart);
        return true;
    }

    /// <summary>The same over a span: where the tag (without [pid]) and the message start.</summary>
    public static bool TryRead(ReadOnlySpan<char> line, int start, out int tagStart, out int tagLength, out int messageStart)
    {
        tagStart = tagLength = messageStart = 0;
        var hostEnd = line.Slice(start).IndexOf(' ');
        if (hostEnd <= 0)
        {
            return false;
        }

        hostEnd += start;
        var colon = line.Slice(hostEnd + 1).IndexOf(": ".AsSpan());
        if (colon < 0)
        {
            return false;
        }

        colon += hostEnd + 1;
        if (colon - hostEnd > 80)
        {
            return false;
        }

        var tagEnd = colon;
        if (line[colon - 1] == ']')
        {
            var open = line.Slice(hostEnd, colon - hostEnd).LastIndexOf('[') + hostEnd;
            if (open > hostEnd)
            {
                tagEnd = open;
            }
        }

        if (line.Slice(hostEnd + 1, tagEnd - hostEnd - 1).IndexOf(' ') >= 0)
        {
            return false;
        }

        tagStart = hostEnd + 1;
        tagLength = tagEnd - hostEnd - 1;
        messageStart = colon + 2;
        return true;
    }
}
