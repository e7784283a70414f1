using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace MailFlowTools.Desktop;

/// <summary>
/// An AppDomain.AssemblyResolve handler that answers only from the module's own folder, by
/// <see cref="BundledAssemblyRule"/>. The folder is read once (identities only, nothing loaded) when it is created.
/// </summary>
internal sealed class DesktopAssemblyResolver
{
    private readonly List<KeyValuePair<string, AssemblyName>> _shipped = new();

    public DesktopAssemblyResolver(string folder)
    {
        foreach (var path in Directory.GetFiles(folder, "*.dll"))
        {
            try
            {
                _shipped.Add(new KeyValuePair<string, AssemblyName>(path, AssemblyName.GetAssemblyName(path)));
            }
            catch (BadImageFormatException)
            {
                // A native or damaged file cannot answer a managed reference.
            }
        }
    }

    public Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var path = BundledAssemblyRule.Choose(new AssemblyName(args.Name), _shipped);
        if (path is null)
        {
            return null;
        }

        try
        {
            return Assembly.LoadFrom(path);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            // Returning null lets the binder report the original failure, which names the reference.
            return null;
        }
    }
}
