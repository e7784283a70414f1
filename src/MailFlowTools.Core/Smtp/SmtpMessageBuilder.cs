using System;
using System.Globalization;
using System.Text;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Generates probe message data of an exact size: RFC 5322 headers and 7-bit lines of at most 78 characters,
/// ending in CRLF, dot-stuffed (RFC 5321 §4.5.2), without the final ".".
/// </summary>
public static class SmtpMessageBuilder
{
    public const int DefaultSize = 1024;
    public const int MaxSize = 64 * 1024 * 1024;

    private const string Filler = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>The smallest message <see cref="Build"/> can make for these arguments (the headers).</summary>
    public static int MinimumSize(string sessionId, string? from, string to, DateTimeOffset date) => Headers(sessionId, from, to, date, 0).Length;

    public static byte[] Build(int size, string sessionId, string? from, string to, DateTimeOffset date)
    {
        if (size > MaxSize)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"A message of {size} bytes is larger than the {MaxSize}-byte limit of the probe.", size);
        }

        var headers = Headers(sessionId, from, to, date, 0);
        if (size < headers.Length)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"A message of {size} bytes is too small: the probe's headers alone take {headers.Length} bytes.", size);
        }

        var remaining = size - headers.Length;
        if (remaining == 1)
        {
            // One byte cannot be a CRLF-terminated line; lengthen a header instead.
            headers = Headers(sessionId, from, to, date, 1);
            remaining = 0;
        }

        // Filled in place: a multi-megabyte probe costs one array, not a string per line.
        var output = new byte[size];
        var head = Encoding.ASCII.GetBytes(headers);
        Buffer.BlockCopy(head, 0, output, 0, head.Length);
        var position = head.Length;
        var lineNumber = 0;
        while (remaining > 0)
        {
            int lineBytes;
            if (remaining > 160)
            {
                lineBytes = 80;
            }
            else if (remaining > 80)
            {
                lineBytes = remaining / 2;
            }
            else
            {
                lineBytes = remaining;
            }

            WriteLine(output, position, ++lineNumber, lineBytes - 2);
            position += lineBytes;
            remaining -= lineBytes;
        }

        return DotStuff(output);
    }

    /// <summary>Doubles a leading "." on every line (RFC 5321 §4.5.2). Generated lines never start with ".", so sizes stay exact.</summary>
    public static byte[] DotStuff(byte[] data)
    {
        var extra = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'.' && (i == 0 || data[i - 1] == (byte)'\n'))
            {
                extra++;
            }
        }

        if (extra == 0)
        {
            return data;
        }

        var result = new byte[data.Length + extra];
        var j = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'.' && (i == 0 || data[i - 1] == (byte)'\n'))
            {
                result[j++] = (byte)'.';
            }

            result[j++] = data[i];
        }

        return result;
    }

    /// <summary>One line: a six-digit line number and a space (when it fits), filler letters, CRLF.</summary>
    private static void WriteLine(byte[] output, int position, int number, int length)
    {
        var filler = (number % Filler.Length);
        for (var i = 0; i < length; i++)
        {
            output[position + i] = (byte)Filler[(filler + i) % Filler.Length];
        }

        if (length > 7)
        {
            var n = number % 1000000;
            for (var i = 5; i >= 0; i--)
            {
                output[position + i] = (byte)('0' + (n % 10));
                n /= 10;
            }

            output[position + 6] = (byte)' ';
        }

        output[position + length] = (byte)'\r';
        output[position + length + 1] = (byte)'\n';
    }

    private static string Headers(string sessionId, string? from, string to, DateTimeOffset date, int extra)
    {
        var sender = string.IsNullOrEmpty(from) ? "MAILER-DAEMON" : from;
        var sb = new StringBuilder();
        sb.Append("From: <").Append(sender).Append(">\r\n");
        sb.Append("To: <").Append(to).Append(">\r\n");
        sb.Append("Subject: MailFlowTools stage timing probe ").Append(sessionId).Append("\r\n");
        sb.Append("Date: ").Append(date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)).Append(date.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", string.Empty)).Append("\r\n");
        sb.Append("Message-ID: <").Append(sessionId).Append(".probe@mailflowtools.invalid>\r\n");
        sb.Append("X-MailFlowTools: Get-SmtpStageTiming").Append('x', extra).Append("\r\n");
        sb.Append("\r\n");
        return sb.ToString();
    }
}
