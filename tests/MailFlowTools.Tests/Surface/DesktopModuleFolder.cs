using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// The Windows PowerShell 5.1 module folder: the netstandard2.0 publish of src/MailFlowTools, which the test project
/// produces after every build (target PublishDesktopModule), with the same files build.ps1 copies to
/// out/MailFlowTools/netstandard2.0.
/// </summary>
public static class DesktopModuleFolder
{
    public static string Path => TestPaths.InRepo("src", "MailFlowTools", "bin", TestPaths.Configuration, "netstandard2.0", "publish");

    public static string Net8Path => TestPaths.InRepo("src", "MailFlowTools", "bin", TestPaths.Configuration, "net8.0", "MailFlowTools.dll");

    public static IReadOnlyList<ShippedAssembly> Assemblies()
    {
        Assert.True(Directory.Exists(Path), "No Desktop module folder at " + Path + ": build the test project (it publishes src/MailFlowTools for netstandard2.0).");
        return Directory.GetFiles(Path, "*.dll").OrderBy(f => f, System.StringComparer.Ordinal).Select(ShippedAssembly.Read).ToList();
    }

    /// <summary>The folder as the resolver lists it: each file's path and identity, read the way it reads them.</summary>
    public static IReadOnlyList<KeyValuePair<string, AssemblyName>> ResolverListing() =>
        Directory.GetFiles(Path, "*.dll").Select(f => new KeyValuePair<string, AssemblyName>(f, AssemblyName.GetAssemblyName(f))).ToList();

    public static ShippedAssembly Get(string fileName) =>
        Assemblies().Single(a => a.FileName == fileName);
}
