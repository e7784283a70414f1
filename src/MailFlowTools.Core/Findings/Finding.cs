using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MailFlowTools.Core.Findings;

/// <summary>
/// One conclusion drawn from measurements: a stable code, how bad it is, what was seen and what to do.
/// Shared by every result type so scripts can filter on <see cref="Code"/> across cmdlets.
/// </summary>
public sealed class Finding
{
    public Finding(string code, FindingSeverity severity, string message, string recommendation, IReadOnlyDictionary<string, object>? evidence = null)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new ArgumentException("A finding needs a code.", nameof(code));
        }

        Code = code;
        Severity = severity;
        Message = message ?? string.Empty;
        Recommendation = recommendation ?? string.Empty;
        Evidence = evidence ?? new Dictionary<string, object>();
    }

    /// <summary>Stable PascalCase name, e.g. <c>PmtudBlackHole</c>. Never localised, never renamed.</summary>
    public string Code { get; }

    public FindingSeverity Severity { get; }

    /// <summary>What was found, in plain words.</summary>
    public string Message { get; }

    /// <summary>One sentence on what to do.</summary>
    public string Recommendation { get; }

    /// <summary>The measurements behind the finding: sizes, timings, replies.</summary>
    public IReadOnlyDictionary<string, object> Evidence { get; }

    /// <summary>True for Warning and Error: the finding describes a problem.</summary>
    public bool IsProblem => Severity != FindingSeverity.Info;

    public static Finding Info(string code, string message, string recommendation = "", IReadOnlyDictionary<string, object>? evidence = null)
        => new(code, FindingSeverity.Info, message, recommendation, evidence);

    public static Finding Warning(string code, string message, string recommendation, IReadOnlyDictionary<string, object>? evidence = null)
        => new(code, FindingSeverity.Warning, message, recommendation, evidence);

    public static Finding Error(string code, string message, string recommendation, IReadOnlyDictionary<string, object>? evidence = null)
        => new(code, FindingSeverity.Error, message, recommendation, evidence);

    /// <summary>The same finding (wording and evidence) at another severity: how a caller weighs it in its own verdict.</summary>
    public Finding WithSeverity(FindingSeverity severity) => severity == Severity ? this : new Finding(Code, severity, Message, Recommendation, Evidence);

    public override string ToString()
    {
        var evidence = Evidence.Count == 0
            ? string.Empty
            : " [" + string.Join(", ", Evidence.Select(kv => kv.Key + "=" + EvidenceText(kv.Value))) + "]";
        return $"{Severity} {Code}: {Message}{evidence}";
    }

    // Lists and maps in evidence read as their items, not as a .NET type name.
    private static string EvidenceText(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        System.Collections.IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => EvidenceText(k) + "=" + EvidenceText(map[k]))) + "}",
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(EvidenceText)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
