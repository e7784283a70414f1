using System;
using System.Linq;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// RFC 8461 §4.1: an mx pattern is a host name, or "*." and a domain, where the "*" stands for exactly one
/// leftmost label ("*.example.com" matches "mail.example.com", not "example.com" nor "a.b.example.com").
/// </summary>
public static class MtaStsPattern
{
    public static bool Matches(string pattern, string host)
    {
        var p = pattern.Trim().TrimEnd('.').ToLowerInvariant();
        var h = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (p.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = h.IndexOf('.');
            return dot > 0 && h.Substring(dot + 1) == p.Substring(2);
        }

        return p == h;
    }

    public static bool MatchesAny(System.Collections.Generic.IEnumerable<string> patterns, string host) => patterns.Any(p => Matches(p, host));

    public static bool IsWellFormed(string pattern)
    {
        var p = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern.Substring(2) : pattern;
        var labels = p.TrimEnd('.').Split('.');
        return p.Length is > 0 and <= 253 && labels.Length >= 1
            && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_') && l[0] != '-');
    }
}
