using System;
using System.IO;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Syntax;

/// <summary>Every .ps1/.psm1/.psd1 parses with the real PowerShell grammar (tree-sitter-powershell).</summary>
public sealed class PowerShellSyntaxTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string Script => TestPaths.InRepo("tests", "syntax", "check-powershell.mjs");

    [Fact]
    public void Every_PowerShell_file_in_the_repository_parses()
    {
        RequireGrammar();
        var r = ProcessRunner.Run("node", new[] { "--no-deprecation", Script, "--root", TestPaths.RepoRoot }, Limit);
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Contains("ok    MailFlowTools.psd1", r.StandardOutput);
        Assert.Contains("ok    MailFlowTools.psm1", r.StandardOutput);
        Assert.Contains("ok    build.ps1", r.StandardOutput);
    }

    [Theory]
    [InlineData("broken.ps1")]
    [InlineData("broken.psd1")]
    public void The_check_rejects_broken_files(string file)
    {
        RequireGrammar();
        var path = TestPaths.InRepo("tests", "Fixtures", "Syntax", file);
        var r = ProcessRunner.Run("node", new[] { "--no-deprecation", Script, path }, Limit);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ERROR", r.StandardOutput);
    }

    private static void RequireGrammar()
    {
        var modules = TestPaths.InRepo("tests", "syntax", "node_modules", "tree-sitter-powershell");
        Assert.True(Directory.Exists(modules), "tree-sitter-powershell is not installed: run 'npm ci --prefix tests/syntax' (tests/run.sh does this).");
    }
}
