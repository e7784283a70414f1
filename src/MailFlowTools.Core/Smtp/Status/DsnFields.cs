using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>Extracts RFC 3464 per-message and per-recipient fields from a DSN or NDR text.</summary>
public sealed class DsnFields
{
    private static readonly Regex FieldLine = new(
        @"^(?<name>Reporting-MTA|Remote-MTA|Final-Recipient|Original-Recipient|Action|Status|Diagnostic-Code|Last-Attempt-Date|Will-Retry-Until)[ \t]*:[ \t]*(?<value>.*)$",
        RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1));

    private readonly Dictionary<string, string> _fields = new(StringComparer.OrdinalIgnoreCase);

    private DsnFields()
    {
    }

    public string? ReportingMta => Typed("Reporting-MTA");

    public string? RemoteMta => Typed("Remote-MTA");

    public string? FinalRecipient => Typed("Final-Recipient") ?? Typed("Original-Recipient");

    public string? Action => Get("Action")?.ToLowerInvariant();

    public string? Status => Get("Status");

    /// <summary>Diagnostic-Code without its type ("smtp; 550 5.1.1 …" gives "550 5.1.1 …").</summary>
    public string? DiagnosticCode => Typed("Diagnostic-Code");

    public bool IsEmpty => _fields.Count == 0;

    public static DsnFields Parse(string text)
    {
        var result = new DsnFields();
        var normalized = text.Replace("\r\n", "\n");
        foreach (Match m in FieldLine.Matches(normalized))
        {
            var name = m.Groups["name"].Value;
            var value = m.Groups["value"].Value.Trim();

            // RFC 5322 folding: continuation lines start with white space (Diagnostic-Code often wraps).
            var next = m.Index + m.Length + 1;
            while (next < normalized.Length && (normalized[next] == ' ' || normalized[next] == '\t'))
            {
                var end = normalized.IndexOf('\n', next);
                if (end < 0)
                {
                    end = normalized.Length;
                }

                value += " " + normalized.Substring(next, end - next).Trim();
                next = end + 1;
            }

            // The first recipient block wins; a multi-recipient DSN repeats the fields.
            if (!result._fields.ContainsKey(name) && value.Length > 0)
            {
                result._fields[name] = value;
            }
        }

        return result;
    }

    private string? Get(string name) => _fields.TryGetValue(name, out var v) ? v : null;

    private string? Typed(string name)
    {
        var value = Get(name);
        if (value is null)
        {
            return null;
        }

        // "dns; mx.example" and "rfc822; user@example": drop the type.
        var semi = value.IndexOf(';');
        return semi >= 0 && semi < 12 ? value.Substring(semi + 1).Trim() : value;
    }
}
