using System;
using System.Text.Json;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Verbs;

/// <summary>
/// The CLI's form of a Get-Queue item for --input-object: a JSON object with NextHopDomain (or DomainName) and
/// LastError, as "Get-Queue | ConvertTo-Json" writes it, or the text "domain|lasterror".
/// </summary>
public static class QueueItemText
{
    /// <summary>Throws an invalid-invocation error for JSON that is not an object.</summary>
    public static DiagnosisInput Parse(string text)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.StartsWith("{", StringComparison.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                var root = document.RootElement;
                return new DiagnosisInput
                {
                    NextHopDomain = Property(root, "NextHopDomain") ?? Property(root, "DomainName") ?? Property(root, "Domain"),
                    LastError = Property(root, "LastError"),
                };
            }
            catch (JsonException ex)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "--input-object is not valid JSON: " + ex.Message, trimmed);
            }
        }

        var bar = trimmed.IndexOf('|', StringComparison.Ordinal);
        return bar < 0
            ? new DiagnosisInput { NextHopDomain = trimmed }
            : new DiagnosisInput { NextHopDomain = trimmed.Substring(0, bar).Trim(), LastError = trimmed.Substring(bar + 1).Trim() };
    }

    private static string? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => property.Value.ToString(),
                };
            }
        }

        return null;
    }
}
