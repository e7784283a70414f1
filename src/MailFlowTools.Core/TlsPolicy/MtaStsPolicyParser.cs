using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// RFC 8461 §3.2: parses a policy body (<c>key: value</c> lines, CRLF or LF). version STSv1, mode
/// enforce|testing|none and max_age (0 to 31557600) are required, mx patterns too unless mode is none;
/// unknown keys are ignored, a repeated key other than mx makes the policy invalid.
/// </summary>
public static class MtaStsPolicyParser
{
    public const long MaxMaxAge = 31557600;

    public static bool TryParse(string body, out MtaStsPolicy? policy, out string? problem)
    {
        policy = null;
        problem = null;
        string? version = null;
        string? mode = null;
        string? maxAge = null;
        var mx = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                problem = "line '" + Shorten(line) + "' is not key: value";
                return false;
            }

            var key = line.Substring(0, colon).Trim();
            var value = line.Substring(colon + 1).Trim();
            if (key != "mx" && !seen.Add(key))
            {
                problem = "the key '" + key + "' appears more than once";
                return false;
            }

            switch (key)
            {
                case "version": version = value; break;
                case "mode": mode = value; break;
                case "max_age": maxAge = value; break;
                case "mx": mx.Add(value); break;
            }
        }

        if (version != "STSv1")
        {
            problem = version is null ? "no version line" : "version is '" + Shorten(version) + "', not STSv1";
            return false;
        }

        MtaStsMode parsedMode;
        switch (mode)
        {
            case "enforce": parsedMode = MtaStsMode.Enforce; break;
            case "testing": parsedMode = MtaStsMode.Testing; break;
            case "none": parsedMode = MtaStsMode.None; break;
            default:
                problem = mode is null ? "no mode line" : "mode is '" + Shorten(mode) + "', not enforce, testing or none";
                return false;
        }

        if (maxAge is null || maxAge.Length is 0 or > 10 || !maxAge.All(c => c is >= '0' and <= '9')
            || !long.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxMaxAge)
        {
            problem = maxAge is null ? "no max_age line" : "max_age '" + Shorten(maxAge) + "' is not a number of seconds from 0 to 31557600";
            return false;
        }

        var bad = mx.FirstOrDefault(p => !MtaStsPattern.IsWellFormed(p));
        if (bad is not null)
        {
            problem = "mx pattern '" + Shorten(bad) + "' is not a host name or *.domain";
            return false;
        }

        if (mx.Count == 0 && parsedMode != MtaStsMode.None)
        {
            problem = "no mx line";
            return false;
        }

        policy = new MtaStsPolicy(parsedMode, mx, seconds);
        return true;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 60) + "…";
}
