using System;
using System.Runtime.CompilerServices;
using System.IO;
using System.Linq;

namespace MailFlowTools.Tests.Diagnosis;

/// <summary>A fact that renders HTML in headless Chromium; skipped with the reason when no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Executable is null)
        {
            Skip = "Chromium is not installed (Debian: apt-get install chromium; tests/run.sh installs it when run as root).";
        }
    }

    /// <summary>The first chromium / chromium-browser / google-chrome on PATH, or null.</summary>
    public static string? Executable { get; } = Find();

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { "chromium", "chromium-browser", "google-chrome" }.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }
}
