using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace MailFlowTools.Isolation;

/// <summary>
/// PowerShell 7: the module's dependencies live in a Dependencies folder the default context never probes. When
/// the cmdlets first need MailFlowTools.Mime, the default context asks here, and it is loaded, with MimeKit and the
/// rest, into <see cref="DependencyLoadContext"/> (the "module ALC" pattern from PowerShell's documentation on
/// dependency conflicts). Windows PowerShell 5.1 has no load contexts and uses the Desktop resolver instead.
/// </summary>
public sealed class IsolatedModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>The assemblies of ours that live in the Dependencies folder; the default context gets them from there.</summary>
    internal const string EntryAssembly = "MailFlowTools.Mime";

    private static readonly object Gate = new();
    private static readonly Lazy<DependencyLoadContext> Context = new(() => new DependencyLoadContext(DependencyFolder()));
    private static int _imports;

    public void OnImport()
    {
        lock (Gate)
        {
            // Runspaces share the process: one handler, counted per import.
            if (_imports++ == 0)
            {
                AssemblyLoadContext.Default.Resolving += Resolve;
            }
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_imports > 0 && --_imports == 0)
            {
                AssemblyLoadContext.Default.Resolving -= Resolve;
            }
        }
    }

    internal static string DependencyFolder() =>
        Path.Combine(Path.GetDirectoryName(typeof(IsolatedModuleInitializer).Assembly.Location)!, "Dependencies");

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        // Only our entry assembly is handed over; its own references then resolve inside the module's context.
        if (!string.Equals(name.Name, EntryAssembly, StringComparison.Ordinal) || !File.Exists(Path.Combine(Context.Value.Folder, EntryAssembly + ".dll")))
        {
            return null;
        }

        return Context.Value.LoadFromAssemblyName(name);
    }
}
