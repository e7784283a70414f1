using System;
using System.Collections.Generic;
using System.Reflection;

namespace MailFlowTools.Desktop;

/// <summary>
/// Which assembly shipped in the module's Desktop folder may answer a reference the .NET Framework binder could not
/// bind. powershell.exe has no binding redirects for modules, so System.Memory's reference to System.Buffers 4.0.2.0
/// fails although System.Buffers 4.0.3.0 sits next to it. The rule is what a binding redirect would say, no looser:
/// same simple name, same public key token, neutral culture, same major version, and a version at least the one
/// asked for. Partial names (no version) and satellite (culture) requests are left to the binder.
/// </summary>
internal static class BundledAssemblyRule
{
    /// <summary>The path of the shipped file that satisfies <paramref name="requested"/>, or null.</summary>
    /// <param name="requested">The reference that failed to bind.</param>
    /// <param name="shipped">The assemblies in the module's folder: path and identity.</param>
    public static string? Choose(AssemblyName requested, IEnumerable<KeyValuePair<string, AssemblyName>> shipped)
    {
        if (requested.Version is not { } wanted || !IsNeutral(requested.CultureName))
        {
            return null;
        }

        foreach (var entry in shipped)
        {
            var candidate = entry.Value;
            if (string.Equals(candidate.Name, requested.Name, StringComparison.OrdinalIgnoreCase)
                && IsNeutral(candidate.CultureName)
                && SameToken(candidate.GetPublicKeyToken(), requested.GetPublicKeyToken())
                && candidate.Version is { } offered
                && offered.Major == wanted.Major
                && offered >= wanted)
            {
                return entry.Key;
            }
        }

        return null;
    }

    private static bool IsNeutral(string? culture) => string.IsNullOrEmpty(culture);

    private static bool SameToken(byte[]? a, byte[]? b)
    {
        a ??= Array.Empty<byte>();
        b ??= Array.Empty<byte>();
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
