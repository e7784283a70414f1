using System;
using System.IO;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Syntax;

/// <summary>Every .ps1/.psm1/.psd1 parses with PowerShell's own parser (tests/syntax/check-powershell.ps1 in pwsh).</summary>
public sealed class PowerShellSyntaxTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static string Script => TestPaths.InRepo("tests", "syntax", "check-powershell.ps1");

    [Fact]
    public void Every_PowerShell_file_in_the_repository_parses()
    {
        var r = ProcessRunner.Run(Pwsh(), new[] { "-NoProfile", "-NonInteractive", "-File", Script, "-Root", TestPaths.RepoRoot }, Limit);
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Contains("ok    MailFlowTools.psd1", r.StandardOutput);
        Assert.Contains("ok    MailFlowTools.psm1", r.StandardOutput);
        Assert.Contains("ok    build.ps1", r.StandardOutput);
        Assert.Contains("ok    tests/Pester/TestHelpers.ps1", r.StandardOutput);
    }

    [Theory]
    [InlineData("broken.ps1", "Missing ')' in function parameter list.")]
    [InlineData("broken.psd1", "Missing closing '}'")]
    public void The_check_rejects_broken_files(string file, string message)
    {
        var path = TestPaths.InRepo("tests", "Fixtures", "Syntax", file);
        var r = ProcessRunner.Run(Pwsh(), new[] { "-NoProfile", "-NonInteractive", "-File", Script, path }, Limit);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ERROR " + path + ":", r.StandardOutput);
        Assert.Contains(message, r.StandardOutput);
    }

    /// <summary>pwsh on PATH, or where tests/Pester/setup.sh installs it (a .NET global tool).</summary>
    private static string Pwsh()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "pwsh")))
            {
                return Path.Combine(dir, "pwsh");
            }
        }

        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "pwsh");
        Assert.SkipUnless(File.Exists(tool), "pwsh is not installed: run 'bash tests/Pester/setup.sh' (tests/run.sh does this).");
        return tool;
    }
}
