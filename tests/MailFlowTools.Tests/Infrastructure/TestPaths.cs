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

    /// <summary>
    /// The CLI in its own build folder, as users run it: its net8.0 dependencies (System.Formats.Asn1 and the
    /// other packages MimeKit brings) are laid out there, not in this net10.0 test folder.
    /// </summary>
    public static string CliAssembly => InRepo("src", "MailFlowTools.Cli", "bin", Configuration, "net8.0", "mailflow.dll");

    /// <summary>
    /// The native mailflow named by MAILFLOW_CLI (tests/run.sh builds it and sets it, so the CLI tests run what
    /// users run), or null when the variable is unset. A variable that names no file fails the test, never falls back.
    /// </summary>
    public static string? NativeCli => Environment.GetEnvironmentVariable("MAILFLOW_CLI") is { Length: > 0 } path
        ? File.Exists(path) ? Path.GetFullPath(path) : throw new InvalidOperationException("MAILFLOW_CLI names no file: " + path)
        : null;

    /// <summary>The command that starts the CLI: the native binary when MAILFLOW_CLI is set, else dotnet mailflow.dll.</summary>
    public static string[] CliCommand => NativeCli is { } native ? new[] { native } : new[] { DotnetHost, CliAssembly };

    /// <summary>The dotnet host that runs this test process when the SDK says so, else dotnet on PATH.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>PowerShell's reference assembly, copied here for metadata-only loading.</summary>
    public static string PowerShellReferenceAssembly => Path.Combine(AppContext.BaseDirectory, "surface", "System.Management.Automation.dll");
}
