using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// The hostile-peer and cancellation tables (Markdown), written to TestResults/robustness.md under the repository
/// (or $MAILFLOW_TEST_RESULTS) as each test finishes; tests/run.sh prints the file at the end of the run.
/// Only this run's sections are in the file: the first write of the process replaces what an earlier run left.
/// </summary>
internal static class RobustnessReport
{
    private static readonly SortedDictionary<int, string> Sections = new();

    public static string FilePath
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("MAILFLOW_TEST_RESULTS");
            return Path.Combine(string.IsNullOrEmpty(dir) ? TestPaths.InRepo("TestResults") : dir, "robustness.md");
        }
    }

    /// <summary>Adds (or replaces) one section; <paramref name="order"/> places it in the file.</summary>
    public static void Write(int order, string markdown)
    {
        lock (Sections)
        {
            Sections[order] = markdown.TrimEnd() + "\n";
            var text = new StringBuilder();
            text.Append("# Hostile peers and cancellation: measured in this run\n\n");
            text.Append(FormattableString.Invariant($"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; written {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.\n\n"));
            text.AppendJoin("\n", Sections.Values);
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.WriteAllText(FilePath, text.ToString());
        }
    }

    /// <summary>A Markdown table from a header and rows (cells must not contain '|').</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", header).Append(" |\n");
        text.Append('|').AppendJoin("|", header.Select(_ => " --- ")).Append("|\n");
        foreach (var row in rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "/", StringComparison.Ordinal))).Append(" |\n");
        }

        return text.ToString();
    }
}
