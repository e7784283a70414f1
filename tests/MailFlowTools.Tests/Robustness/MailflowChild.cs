using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Robustness;

/// <summary>The built mailflow CLI as a measured child process (see <see cref="SpawnedProcess"/>).</summary>
internal static class MailflowChild
{
    private static readonly string OutputDirectory = Path.Combine(Path.GetTempPath(), "mailflow-robustness");

    public static SpawnedProcess Start(params string[] arguments) =>
        SpawnedProcess.Start(TestPaths.CliCommand[0], TestPaths.CliCommand.Skip(1).Concat(arguments).ToArray(), OutputDirectory);

    /// <summary>Runs to the end (killed past <paramref name="limit"/>) and returns the exit with both outputs.</summary>
    public static (SpawnedExit Exit, string StandardOutput, string StandardError) Run(TimeSpan limit, IReadOnlyList<string> arguments)
    {
        using var child = Start(arguments.ToArray());
        var exit = child.WaitForExit(limit);
        return (exit, child.ReadStandardOutput(), child.ReadStandardError());
    }

    public static string Mib(long kib) => (kib / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Ms(double ms) => ms.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
}
