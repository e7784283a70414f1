using System.Collections.Generic;
using System.Text;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Splits received bytes into SMTP reply lines and counts complete replies ("250-…" continues, "250 …" ends).
/// Capped: a line longer than 4 kB is cut, and at most 64 kB of text is kept for evidence.
/// </summary>
internal sealed class SmtpReplyCounter
{
    private const int MaxLine = 4096;
    private const int MaxKept = 65536;
    private readonly StringBuilder _line = new();
    private readonly List<string> _replies = new();
    private readonly StringBuilder _current = new();
    private int _kept;

    /// <summary>Complete replies so far.</summary>
    public int Count => _replies.Count;

    /// <summary>The complete replies (multi-line replies joined with newlines).</summary>
    public IReadOnlyList<string> Replies => _replies;

    public void Feed(byte[] buffer, int offset, int count)
    {
        for (var i = offset; i < offset + count; i++)
        {
            var c = (char)buffer[i];
            if (c == '\n')
            {
                EndLine();
            }
            else if (c != '\r' && _line.Length < MaxLine)
            {
                _line.Append(c);
            }
        }
    }

    private void EndLine()
    {
        var line = _line.ToString();
        _line.Clear();
        if (_current.Length > 0)
        {
            _current.Append('\n');
        }

        if (_kept < MaxKept)
        {
            _current.Append(line);
            _kept += line.Length;
        }

        var continues = line.Length >= 4 && line[3] == '-' && char.IsDigit(line[0]);
        if (!continues)
        {
            _replies.Add(_current.ToString());
            _current.Clear();
        }
    }

    /// <summary>Reply code of reply <paramref name="index"/>, or 0 when it does not start with three digits.</summary>
    public int CodeOf(int index)
    {
        var text = _replies[index];
        return text.Length >= 3 && char.IsDigit(text[0]) && char.IsDigit(text[1]) && char.IsDigit(text[2])
            ? (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0')
            : 0;
    }

    public string FirstLineOf(int index)
    {
        var text = _replies[index];
        var nl = text.IndexOf('\n');
        return nl < 0 ? text : text.Substring(0, nl);
    }

    public static string Printable(string text) => text.Length <= 120 ? text : text.Substring(0, 119) + "…";
}
