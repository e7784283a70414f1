using System;
using System.Collections.Generic;
using System.Reflection;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// Assemblies that Windows PowerShell 5.1 on .NET Framework 4.7.2 already has (in the GAC), so the module need not
/// ship them. Reviewed by hand: add an entry only for an assembly that .NET Framework 4.7.2 or powershell.exe itself
/// installs, at the highest version it installs.
/// </summary>
public sealed record FrameworkAssembly(string Name, string PublicKeyToken, Version HighestVersion, string Why)
{
    public static readonly IReadOnlyList<FrameworkAssembly> WindowsPowerShell51 = new[]
    {
        new FrameworkAssembly("netstandard", "cc7b13ffcd2ddd51", new Version(2, 0, 0, 0), ".NET Framework 4.7.1 and later ship the .NET Standard 2.0 facade in the box"),
        new FrameworkAssembly("System.Runtime", "b03f5f7f11d50a3a", new Version(4, 0, 0, 0), "contract facade in the GAC since .NET Framework 4.5"),
        new FrameworkAssembly("mscorlib", "b77a5c561934e089", new Version(4, 0, 0, 0), "the .NET Framework 4 core library"),
        new FrameworkAssembly("System.Management.Automation", "31bf3856ad364e35", new Version(3, 0, 0, 0), "Windows PowerShell 5.1's engine, in the GAC as 3.0.0.0 (PowerShellStandard 5.1 compiles against it)"),
    };

    public bool Satisfies(AssemblyName reference) =>
        string.Equals(reference.Name, Name, StringComparison.Ordinal)
        && string.Equals(TokenOf(reference), PublicKeyToken, StringComparison.Ordinal)
        && reference.Version is { } v
        && v <= HighestVersion;

    public static string TokenOf(AssemblyName name) => Convert.ToHexString(name.GetPublicKeyToken() ?? Array.Empty<byte>()).ToLowerInvariant();
}
