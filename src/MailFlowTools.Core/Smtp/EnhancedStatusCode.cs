using System;
using System.Globalization;

namespace MailFlowTools.Core.Smtp;

/// <summary>An RFC 3463 enhanced status code: class.subject.detail, e.g. 4.4.7.</summary>
public readonly struct EnhancedStatusCode : IEquatable<EnhancedStatusCode>
{
    public EnhancedStatusCode(int @class, int subject, int detail)
    {
        Class = @class;
        Subject = subject;
        Detail = detail;
    }

    /// <summary>2 success, 4 persistent transient failure, 5 permanent failure.</summary>
    public int Class { get; }

    public int Subject { get; }

    public int Detail { get; }

    /// <summary>
    /// Parses "c.s.d" where class is 2, 4 or 5 and subject and detail have 1 to 3 digits (RFC 3463 §2).
    /// </summary>
    public static bool TryParse(string? text, out EnhancedStatusCode code)
    {
        code = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text!.Split('.');
        if (parts.Length != 3 || parts[0].Length != 1 || !IsDigits(parts[1]) || !IsDigits(parts[2]))
        {
            return false;
        }

        var cls = parts[0][0] - '0';
        if (cls is not (2 or 4 or 5))
        {
            return false;
        }

        code = new EnhancedStatusCode(cls, int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
        return true;
    }

    public bool Equals(EnhancedStatusCode other) => Class == other.Class && Subject == other.Subject && Detail == other.Detail;

    public override bool Equals(object? obj) => obj is EnhancedStatusCode other && Equals(other);

    public override int GetHashCode() => (Class * 1000 + Subject) * 1000 + Detail;

    public override string ToString() => FormattableString.Invariant($"{Class}.{Subject}.{Detail}");

    public static bool operator ==(EnhancedStatusCode left, EnhancedStatusCode right) => left.Equals(right);

    public static bool operator !=(EnhancedStatusCode left, EnhancedStatusCode right) => !left.Equals(right);

    private static bool IsDigits(string s)
    {
        if (s.Length is 0 or > 3)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return true;
    }
}
