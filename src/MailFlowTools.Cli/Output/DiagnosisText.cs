using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// Debug-MailFlow's readable form: an explanation, not a property dump. The cause and where it sits, the summary,
/// what to do, then the evidence chain as numbered lines. --json keeps the whole object.
/// </summary>
public static class DiagnosisText
{
    private const int Width = 110;

    public static void Write(TextWriter writer, MailFlowDiagnosis d)
    {
        var verdict = d.Cause == FindingCodes.None ? "no path problem found" : d.Cause + " (location: " + d.Location + ")";
        writer.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1}   [{2:0.0} s{3}]", d.DomainName, verdict, d.ElapsedMs / 1000, d.Quick ? ", quick" : string.Empty));
        Wrap(writer, "  ", "  ", d.Summary);
        if (d.Recommendation.Length > 0)
        {
            Wrap(writer, "  What to do: ", "              ", d.Recommendation);
        }

        if (d.EvidenceChain.Length > 0)
        {
            writer.WriteLine("  Evidence:");
            for (var i = 0; i < d.EvidenceChain.Length; i++)
            {
                var number = (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(2) + ". ";
                Wrap(writer, "   " + number, new string(' ', 3 + number.Length + 2), d.EvidenceChain[i]);
            }
        }

        if (d.SelectedHop is not null)
        {
            writer.WriteLine("  Selected hop: " + d.SelectedHop);
        }

        if (d.StageTimesMs.Count > 0)
        {
            writer.WriteLine("  Steps: " + string.Join(", ", d.StageTimesMs.Select(kv => string.Format(CultureInfo.InvariantCulture, "{0} {1:0.0} s", kv.Key, kv.Value / 1000))) + " (they overlap)");
        }

        var counts = d.Findings.GroupBy(f => f.Finding.Severity).OrderByDescending(g => g.Key).Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + g.Key).ToList();
        if (counts.Count > 0)
        {
            writer.WriteLine("  Findings: " + string.Join(", ", counts) + " (--json for all of them and every step's measurements)");
        }

        if (d.ReportPath is not null)
        {
            writer.WriteLine("  Report: " + d.ReportPath);
        }
    }

    /// <summary>Word-wraps <paramref name="text"/> to the width, the first line after <paramref name="first"/>, the rest after <paramref name="rest"/>.</summary>
    private static void Wrap(TextWriter writer, string first, string rest, string text)
    {
        var prefix = first;
        var line = new StringBuilder();
        foreach (var word in (text ?? string.Empty).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && prefix.Length + line.Length + 1 + word.Length > Width)
            {
                writer.WriteLine(prefix + line);
                prefix = rest;
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        writer.WriteLine(prefix + line);
    }
}
