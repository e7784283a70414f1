using System;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Logs;

/// <summary>How Resolve-SmtpStatus reads logs; built once at the edge by <see cref="FromParameters"/> (cmdlet and CLI).</summary>
public sealed class MailLogOptions
{
    /// <summary>Longest line read; the rest of a longer line is skipped.</summary>
    public const int MaxLineLength = 16 * 1024;

    public bool Summary { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>When the log is read: the year and zone of syslog timestamps.</summary>
    public DateTimeOffset Reference { get; init; } = DateTimeOffset.Now;

    /// <summary>Validates -Since/-Until text (RFC 3339, "2026-12-06 14:00", or a syslog "Dec  6 14:00:00").</summary>
    public static MailLogOptions FromParameters(bool summary, string? since, string? until, DateTimeOffset reference)
    {
        var from = Bound(since, "Since", reference);
        var to = Bound(until, "Until", reference);
        if (from is { } f && to is { } t && t < f)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, $"-Until ({to:O}) is before -Since ({from:O}).", until);
        }

        return new MailLogOptions { Summary = summary, Since = from, Until = to, Reference = reference };
    }

    public bool InWindow(DateTimeOffset? timestamp) =>
        timestamp is not { } t || ((Since is null || t >= Since) && (Until is null || t <= Until));

    private static DateTimeOffset? Bound(string? text, string name, DateTimeOffset reference)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (LogTimestamp.TryParseBound(text!, reference, out var value))
        {
            return value;
        }

        throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, $"-{name} '{text}' is not a time: use RFC 3339 (2026-12-06T14:00:00Z), '2026-12-06 14:00' or a syslog time ('Dec  6 14:00:00').", text);
    }
}
