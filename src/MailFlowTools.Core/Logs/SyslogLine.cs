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

    public bool TagStartsWith(string prefix) => _tagLength >= prefix.Length && string.CompareOrdinal(_line, _tagStart, prefix, 0, prefix.Length) == 0;

    public bool TagIs(string name) => _tagLength == name.Length && TagStartsWith(name);

    public bool TagContains(string part) => _line.IndexOf(part, _tagStart, _tagLength, StringComparison.Ordinal) >= 0;

    public int MessageStart { get; }

    public static bool TryRead(string line, int start, out SyslogLine parsed)
    {
        parsed = default;
        var hostEnd = line.IndexOf(' ', start);
        if (hostEnd <= start)
        {
            return false;
        }

        var colon = line.IndexOf(": ", hostEnd + 1, StringComparison.Ordinal);
        if (colon < 0 || colon - hostEnd > 80)
        {
            return false;
        }

        var tagEnd = colon;
        if (line[colon - 1] == ']')
        {
            var open = line.LastIndexOf('[', colon - 1, colon - hostEnd);
            if (open > hostEnd)
            {
                tagEnd = open;
            }
        }

        if (line.IndexOf(' ', hostEnd + 1, tagEnd - hostEnd - 1) >= 0)
        {
            return false;
        }

        parsed = new SyslogLine(line, hostEnd + 1, tagEnd - hostEnd - 1, colon + 2);
        return true;
    }
}
