using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>Locates the repository and the build outputs the tests read.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailFlowTools.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (MailFlowTools.slnx) above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    /// <summary>Debug or Release: the configuration this test assembly was built with.</summary>
    public static string Configuration =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "Configuration").Value!;

    public static string InRepo(params string[] parts) => Path.Combine(new[] { RepoRoot }.Concat(parts).ToArray());

    public static string CmdletAssembly => InRepo("src", "MailFlowTools", "bin", Configuration, "net8.0", "MailFlowTools.dll");

    public static string BrokenModuleAssembly => InRepo("tests", "Fixtures", "BrokenModule", "bin", Configuration, "net8.0", "BrokenModule.dll");

    /// <summary>The CLI next to the tests (the test project references it, so it is copied here).</summary>
    public static string CliAssembly => Path.Combine(AppContext.BaseDirectory, "mailflow.dll");

    /// <summary>PowerShell's reference assembly, copied here for metadata-only loading.</summary>
    public static string PowerShellReferenceAssembly => Path.Combine(AppContext.BaseDirectory, "surface", "System.Management.Automation.dll");
}
