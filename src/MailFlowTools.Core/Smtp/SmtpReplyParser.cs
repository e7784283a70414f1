using System;
using System.Collections.Generic;
using System.Text;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Incremental SMTP reply parser with no I/O: feed it whatever arrived, it returns a reply once the last line
/// is complete. Memory is bounded by the line and reply caps; anything past a cap is a typed
/// <see cref="SmtpProtocolException"/>, never an allocation. After an exception the parser must be <see cref="Reset"/>.
/// </summary>
public sealed class SmtpReplyParser
{
    /// <summary>RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers exceed it, so allow eight times that.</summary>
    public const int DefaultMaxLineLength = 4096;

    /// <summary>Cap for one whole (multiline) reply, e.g. a long EHLO list.</summary>
    public const int DefaultMaxReplyLength = 65536;

    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);

    private readonly byte[] _line;
    private readonly int _maxReplyLength;
    private readonly List<string> _lines = new();
    private int _lineLength;
    private int _replyLength;
    private int _code = -1;

    public SmtpReplyParser(int maxLineLength = DefaultMaxLineLength, int maxReplyLength = DefaultMaxReplyLength)
    {
        if (maxLineLength < 5)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLineLength));
        }

        if (maxReplyLength < maxLineLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxReplyLength));
        }

        // The cap counts the whole line with its CRLF, as RFC 5321 does; the buffer holds all but the LF.
        _line = new byte[maxLineLength - 1];
        _maxReplyLength = maxReplyLength;
    }

    /// <summary>Longest accepted line, CRLF included.</summary>
    public int MaxLineLength => _line.Length + 1;

    public int MaxReplyLength => _maxReplyLength;

    /// <summary>True while part of a reply has been fed but the reply is not complete.</summary>
    public bool HasPartialReply => _lineLength > 0 || _lines.Count > 0;

    /// <summary>
    /// Consumes bytes from <paramref name="data"/> until one reply is complete. Returns the reply (and stops
    /// consuming, so bytes of the next reply stay in <paramref name="data"/>) or null when more input is needed.
    /// </summary>
    public SmtpReply? Feed(ReadOnlySpan<byte> data, out int consumed)
    {
        consumed = 0;
        while (consumed < data.Length)
        {
            var b = data[consumed++];
            _replyLength++;
            if (_replyLength > _maxReplyLength)
            {
                throw new SmtpProtocolException(SmtpProtocolError.ReplyTooLong, $"The reply is longer than {_maxReplyLength} bytes.");
            }

            if (b == (byte)'\n')
            {
                var reply = CompleteLine();
                if (reply is not null)
                {
                    return reply;
                }

                continue;
            }

            if (_lineLength >= _line.Length)
            {
                throw new SmtpProtocolException(SmtpProtocolError.LineTooLong, $"A reply line is longer than {_line.Length + 1} bytes.");
            }

            _line[_lineLength++] = b;
        }

        return null;
    }

    /// <summary>Parses a complete reply from text; for tests and for replies quoted in NDRs.</summary>
    public static SmtpReply Parse(string text)
    {
        var parser = new SmtpReplyParser();
        var bytes = Utf8.GetBytes(text.EndsWith("\n", StringComparison.Ordinal) ? text : text + "\r\n");
        var reply = parser.Feed(bytes, out var consumed);
        if (reply is null || consumed != bytes.Length)
        {
            throw new SmtpProtocolException(SmtpProtocolError.UnexpectedData, reply is null ? "The text ends in the middle of a reply." : "The text holds more than one reply.");
        }

        return reply;
    }

    public void Reset()
    {
        _lineLength = 0;
        _replyLength = 0;
        _code = -1;
        _lines.Clear();
    }

    private SmtpReply? CompleteLine()
    {
        var length = _lineLength;
        if (length > 0 && _line[length - 1] == (byte)'\r')
        {
            length--;
        }

        _lineLength = 0;
        if (length < 3 || !IsDigit(_line[0]) || !IsDigit(_line[1]) || !IsDigit(_line[2]) || _line[0] < (byte)'2' || _line[0] > (byte)'5')
        {
            throw new SmtpProtocolException(SmtpProtocolError.InvalidReplyCode, "A reply line does not start with a three-digit code 200..599: '" + Preview(length) + "'.");
        }

        var code = (_line[0] - '0') * 100 + (_line[1] - '0') * 10 + (_line[2] - '0');
        if (_code >= 0 && code != _code)
        {
            throw new SmtpProtocolException(SmtpProtocolError.MismatchedCode, $"A multiline reply changed its code from {_code} to {code}.");
        }

        _code = code;
        bool last;
        if (length == 3)
        {
            last = true;
        }
        else if (_line[3] == (byte)' ')
        {
            last = true;
        }
        else if (_line[3] == (byte)'-')
        {
            last = false;
        }
        else
        {
            throw new SmtpProtocolException(SmtpProtocolError.InvalidSeparator, "A reply line has neither space nor hyphen after its code: '" + Preview(length) + "'.");
        }

        _lines.Add(length > 4 ? Utf8.GetString(_line, 4, length - 4) : string.Empty);
        if (!last)
        {
            return null;
        }

        var lines = _lines.ToArray();
        var reply = new SmtpReply(code, lines, FindEnhanced(code, lines[0]), _replyLength);
        Reset();
        return reply;
    }

    /// <summary>RFC 2034 §4: the enhanced code leads the text and its class equals the reply's first digit.</summary>
    private static string? FindEnhanced(int code, string firstLine)
    {
        var end = firstLine.IndexOf(' ');
        var candidate = end < 0 ? firstLine : firstLine.Substring(0, end);
        if (candidate.Length < 5 || candidate.Length > 9)
        {
            return null;
        }

        return EnhancedStatusCode.TryParse(candidate, out var status) && status.Class == code / 100 ? status.ToString() : null;
    }

    private string Preview(int length)
    {
        var n = Math.Min(length, 40);
        var sb = new StringBuilder(n);
        for (var i = 0; i < n; i++)
        {
            var c = (char)_line[i];
            sb.Append(c >= ' ' && c < 127 ? c : '?');
        }

        return sb.ToString();
    }

    private static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';
}
