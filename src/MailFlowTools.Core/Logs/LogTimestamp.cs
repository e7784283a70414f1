using System;
using System.Globalization;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Reads the timestamp that starts a log line: classic syslog ("Dec  6 14:34:21", no year), RFC 3339
/// ("2026-12-06T14:34:21.123456+00:00", rsyslog and journald's short-iso) and Exim's ("2026-12-06 14:34:21",
/// optionally followed by a "+0100" zone). Hand-written, because a whole log goes through it.
/// </summary>
public static class LogTimestamp
{
    /// <summary>
    /// Parses the timestamp at the start of <paramref name="line"/>. <paramref name="end"/> is the index after it
    /// (and after one space). A syslog time has no year: the year of <paramref name="reference"/> is taken, or the
    /// year before when that would put the line more than a month in the future (a log read in January).
    /// Times without a zone are read in <paramref name="reference"/>'s offset.
    /// </summary>
    public static bool TryParse(string line, DateTimeOffset reference, out DateTimeOffset timestamp, out int end) =>
        TryParse(line.AsSpan(), reference, out timestamp, out end);

    /// <summary>The same, over a line still in the reader's buffer.</summary>
    internal static bool TryParse(ReadOnlySpan<char> line, DateTimeOffset reference, out DateTimeOffset timestamp, out int end) =>
        TryRead(line, reference, build: true, out timestamp, out end);

    /// <summary>
    /// Whether <see cref="TryParse(ReadOnlySpan{char}, DateTimeOffset, out DateTimeOffset, out int)"/> would read a
    /// timestamp, and where it ends, without building the value: most lines of a log need no time.
    /// </summary>
    internal static bool IsTimestamp(ReadOnlySpan<char> line, DateTimeOffset reference, out int end) =>
        TryRead(line, reference, build: false, out _, out end);

    private static bool TryRead(ReadOnlySpan<char> line, DateTimeOffset reference, bool build, out DateTimeOffset timestamp, out int end)
    {
        timestamp = default;
        end = 0;
        if (line.Length >= 15 && char.IsLetter(line[0]))
        {
            return TrySyslog(line, reference, build, out timestamp, out end);
        }

        if (line.Length >= 19 && IsDigit(line[0]) && line[4] == '-' && line[7] == '-' && (line[10] == 'T' || line[10] == ' '))
        {
            return TryIso(line, reference, out timestamp, out end);
        }

        return false;
    }

    /// <summary>Parses a --since/--until value: anything DateTimeOffset understands, or a syslog time.</summary>
    public static bool TryParseBound(string text, DateTimeOffset reference, out DateTimeOffset value)
    {
        var trimmed = text.Trim();
        if (TryParse(trimmed, reference, out value, out var end) && end >= trimmed.Length)
        {
            return true;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out value);
    }

    private static bool TrySyslog(ReadOnlySpan<char> line, DateTimeOffset reference, bool build, out DateTimeOffset timestamp, out int end)
    {
        timestamp = default;
        end = 0;
        var month = MonthOf(line[0], line[1], line[2]);
        if (month < 0 || line[3] != ' ' || line[6] != ' ' || line[9] != ':' || line[12] != ':')
        {
            return false;
        }

        var day = (line[4] == ' ' ? 0 : Digit(line[4]) * 10) + Digit(line[5]);
        var hour = Two(line, 7);
        var minute = Two(line, 10);
        var second = Two(line, 13);
        if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        // Every month has 28 days: the year is needed only past them, or for the value.
        if (day > 28 || build)
        {
            var year = reference.Year;
            if (month > reference.Month + 1)
            {
                year--;
            }

            if (day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            if (build)
            {
                timestamp = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), reference.Offset);
            }
        }

        end = line.Length > 15 && line[15] == ' ' ? 16 : 15;
        return true;
    }

    private static bool TryIso(ReadOnlySpan<char> line, DateTimeOffset reference, out DateTimeOffset timestamp, out int end)
    {
        timestamp = default;
        end = 0;
        if (line[13] != ':' || line[16] != ':')
        {
            return false;
        }

        var year = Two(line, 0) * 100 + Two(line, 2);
        var month = Two(line, 5);
        var day = Two(line, 8);
        var hour = Two(line, 11);
        var minute = Two(line, 14);
        var second = Two(line, 17);
        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var i = 19;
        long ticks = 0;
        if (i < line.Length && (line[i] == '.' || line[i] == ','))
        {
            i++;
            var scale = TimeSpan.TicksPerSecond / 10;
            while (i < line.Length && IsDigit(line[i]))
            {
                ticks += Digit(line[i]) * scale;
                scale /= 10;
                i++;
            }
        }

        var offset = reference.Offset;
        if (i < line.Length && line[i] == 'Z')
        {
            offset = TimeSpan.Zero;
            i++;
        }
        else
        {
            // "+01:00" (RFC 3339) or " +0100" (Exim's log_timezone).
            var z = i < line.Length && line[i] == ' ' && i + 1 < line.Length && (line[i + 1] == '+' || line[i + 1] == '-') ? i + 1 : i;
            if (z < line.Length && (line[z] == '+' || line[z] == '-') && TryZone(line, z, out var zone, out var zoneEnd))
            {
                offset = zone;
                i = zoneEnd;
            }
        }

        try
        {
            timestamp = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), offset).AddTicks(ticks);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        end = i < line.Length && line[i] == ' ' ? i + 1 : i;
        return true;
    }

    private static bool TryZone(ReadOnlySpan<char> line, int at, out TimeSpan zone, out int end)
    {
        zone = default;
        end = at;
        var sign = line[at] == '-' ? -1 : 1;
        if (at + 5 > line.Length || !IsDigit(line[at + 1]) || !IsDigit(line[at + 2]))
        {
            return false;
        }

        var hours = Two(line, at + 1);
        var m = line[at + 3] == ':' ? at + 4 : at + 3;
        if (m + 2 > line.Length || !IsDigit(line[m]) || !IsDigit(line[m + 1]))
        {
            return false;
        }

        var minutes = Two(line, m);
        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        zone = TimeSpan.FromMinutes(sign * ((hours * 60) + minutes));
        end = m + 2;
        return true;
    }

    /// <summary>"Jan" is 1 … "Dec" is 12, exactly as written (case-sensitive); -1 for anything else.</summary>
    private static int MonthOf(char a, char b, char c) => (a, b, c) switch
    {
        ('J', 'a', 'n') => 1,
        ('F', 'e', 'b') => 2,
        ('M', 'a', 'r') => 3,
        ('A', 'p', 'r') => 4,
        ('M', 'a', 'y') => 5,
        ('J', 'u', 'n') => 6,
        ('J', 'u', 'l') => 7,
        ('A', 'u', 'g') => 8,
        ('S', 'e', 'p') => 9,
        ('O', 'c', 't') => 10,
        ('N', 'o', 'v') => 11,
        ('D', 'e', 'c') => 12,
        _ => -1,
    };

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static int Digit(char c) => IsDigit(c) ? c - '0' : 99;

    private static int Two(ReadOnlySpan<char> s, int at) => (Digit(s[at]) * 10) + Digit(s[at + 1]);
}
