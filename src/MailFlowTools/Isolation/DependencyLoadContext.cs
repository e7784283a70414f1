using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace MailFlowTools.Isolation;

/// <summary>
/// The module's own load context for the assemblies in its Dependencies folder (MimeKit, BouncyCastle, the newer
/// System.Formats.Asn1 and System.Security.Cryptography.Pkcs): they load here whatever versions the session
/// already has, and everything else (MailFlowTools.Core, PowerShell, the framework) comes from the default context,
/// so the types that cross between the two stay one and the same.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _folder;

    public DependencyLoadContext(string folder)
        : base("MailFlowTools")
    {
        _folder = folder;
    }

    public string Folder => _folder;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // A package's Windows build (runtimes/win/lib/net8.0) comes first on Windows, as the host would pick it.
        var file = assemblyName.Name + ".dll";
        var windows = Path.Combine(_folder, "runtimes", "win", "lib", "net8.0", file);
        if (OperatingSystem.IsWindows() && File.Exists(windows))
        {
            return LoadFromAssemblyPath(windows);
        }

        var path = Path.Combine(_folder, file);
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
