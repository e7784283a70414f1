using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// The parts of a syslog line after its timestamp: "host tag[pid]: message". Rsyslog, journald's short and
/// short-iso output and Postfix's own maillog_file all write this shape.
/// </summary>
internal readonly struct SyslogLine
{
    public SyslogLine(string tag, int messageStart)
    {
        Tag = tag;
        MessageStart = messageStart;
    }

    /// <summary>The program name without the [pid], e.g. "postfix/smtp", "postfix-sender/smtp", "sendmail".</summary>
    public string Tag { get; }

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

        var tag = line.Substring(hostEnd + 1, tagEnd - hostEnd - 1);
        if (tag.IndexOf(' ') >= 0)
        {
            return false;
        }

        parsed = new SyslogLine(tag, colon + 2);
        return true;
    }
}
