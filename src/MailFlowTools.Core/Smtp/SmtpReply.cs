using System;
using System.Collections.Generic;
using System.Text;

namespace MailFlowTools.Core.Smtp;

/// <summary>One complete SMTP reply (RFC 5321 §4.2): a three-digit code and one or more text lines.</summary>
public sealed class SmtpReply
{
    public SmtpReply(int code, IReadOnlyList<string> lines, string? enhancedStatus, int wireLength)
    {
        Code = code;
        Lines = lines;
        EnhancedStatus = enhancedStatus;
        WireLength = wireLength;
    }

    /// <summary>The three-digit reply code, 200..599.</summary>
    public int Code { get; }

    /// <summary>Text of each line after the code and separator, with the enhanced status code left in.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>RFC 3463 class.subject.detail from the first line, when present and of the same class as the code.</summary>
    public string? EnhancedStatus { get; }

    /// <summary>Bytes the reply took on the wire, line terminators included.</summary>
    public int WireLength { get; }

    public bool IsPositiveCompletion => Code / 100 == 2;

    public bool IsPositiveIntermediate => Code / 100 == 3;

    public bool IsTransientNegative => Code / 100 == 4;

    public bool IsPermanentNegative => Code / 100 == 5;

    /// <summary>The lines joined with a space, each without its enhanced status prefix.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var line in Lines)
            {
                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(StripEnhanced(line));
            }

            return sb.ToString();
        }
    }

    /// <summary>The reply as it looked on the wire, lines separated by CRLF.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Lines.Count; i++)
        {
            if (i > 0)
            {
                sb.Append("\r\n");
            }

            sb.Append(Code).Append(i == Lines.Count - 1 ? ' ' : '-').Append(Lines[i]);
        }

        return sb.ToString();
    }

    private string StripEnhanced(string line)
    {
        if (EnhancedStatus is { } status && line.StartsWith(status, StringComparison.Ordinal))
        {
            return line.Substring(status.Length).TrimStart(' ');
        }

        return line;
    }
}
