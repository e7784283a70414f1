using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// The readable (non-JSON) form: scalar properties as an aligned list, nested records as indented tables,
/// findings last with their recommendation. Empty values are left out to keep it short.
/// </summary>
public static class TextOutput
{
    public static void Write(TextWriter writer, IReadOnlyList<object> results)
    {
        for (var i = 0; i < results.Count; i++)
        {
            if (i > 0)
            {
                writer.WriteLine();
            }

            WriteObject(writer, results[i]);
        }
    }

    private static void WriteObject(TextWriter writer, object result)
    {
        if (result is MailFlowDiagnosis diagnosis)
        {
            DiagnosisText.Write(writer, diagnosis);
            return;
        }

        var properties = ResultProperties.Of(result.GetType());
        var scalars = new List<(string Name, string Value)>();
        var nested = new List<(string Name, IList Items)>();
        IReadOnlyList<Finding>? findings = null;

        foreach (var p in properties)
        {
            var value = p.Get(result);
            if (value is IReadOnlyList<Finding> f && p.Name == nameof(IHasFindings.Findings))
            {
                findings = f;
            }
            else if (IsScalar(value))
            {
                var text = Format(value);
                if (text.Length > 0)
                {
                    scalars.Add((p.Name, text));
                }
            }
            else if (value is IEnumerable enumerable and not IDictionary)
            {
                var items = enumerable.Cast<object?>().ToList();
                if (items.Count == 0)
                {
                    continue;
                }

                if (items.All(IsScalar))
                {
                    scalars.Add((p.Name, string.Join(", ", items.Select(Format))));
                }
                else
                {
                    nested.Add((p.Name, items));
                }
            }
            else if (value is IDictionary dictionary)
            {
                if (dictionary.Count > 0)
                {
                    scalars.Add((p.Name, string.Join(", ", dictionary.Keys.Cast<object>().Select(k => k + "=" + Format(dictionary[k])))));
                }
            }
            else if (value is not null)
            {
                scalars.Add((p.Name, ScalarSummary(value)));
            }
        }

        var width = scalars.Count == 0 ? 0 : scalars.Max(s => s.Name.Length);
        foreach (var (name, value) in scalars)
        {
            writer.WriteLine(name.PadRight(width) + " : " + value);
        }

        foreach (var (name, items) in nested)
        {
            writer.WriteLine();
            writer.WriteLine(name + ":");
            WriteTable(writer, items.Cast<object>().ToList(), "  ");
        }

        if (findings is { Count: > 0 })
        {
            writer.WriteLine();
            writer.WriteLine("Findings:");
            foreach (var finding in findings)
            {
                writer.WriteLine("  [" + finding.Severity + "] " + finding.Code + ": " + finding.Message);
                if (finding.Recommendation.Length > 0)
                {
                    writer.WriteLine("      -> " + finding.Recommendation);
                }
            }
        }
    }

    /// <summary>A nested list of records as a table of its scalar columns.</summary>
    public static void WriteTable(TextWriter writer, IReadOnlyList<object> rows, string indent)
    {
        var type = rows[0].GetType();
        var columns = ResultProperties.Of(type).Where(p => IsScalarType(p.Type)).ToList();
        var cells = rows.Select(r => columns.Select(c => Truncate(Format(c.Get(r)), 60)).ToArray()).ToList();

        // Drop columns that are empty in every row.
        var keep = Enumerable.Range(0, columns.Count).Where(i => cells.Any(row => row[i].Length > 0)).ToList();
        var widths = keep.Select(i => Math.Max(columns[i].Name.Length, cells.Max(row => row[i].Length))).ToList();
        writer.WriteLine(indent + string.Join("  ", keep.Select((i, k) => columns[i].Name.PadRight(widths[k]))).TrimEnd());
        writer.WriteLine(indent + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
        {
            writer.WriteLine(indent + string.Join("  ", keep.Select((i, k) => row[i].PadRight(widths[k]))).TrimEnd());
        }
    }

    private static bool IsScalar(object? value) => value is null || IsScalarType(value.GetType());

    private static bool IsScalarType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(TimeSpan);
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("0.##", CultureInfo.InvariantCulture),
        float f => f.ToString("0.##", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        DateTimeOffset dto => dto.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string ScalarSummary(object value)
    {
        var text = value.ToString() ?? string.Empty;
        return text == value.GetType().ToString() ? value.GetType().Name : text;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text.Substring(0, max - 1) + "…";
}
