using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace MailFlowTools.Desktop;

/// <summary>
/// Windows PowerShell 5.1 only: registers <see cref="DesktopAssemblyResolver"/> for the module's folder on import and
/// removes it when the last import is removed. powershell.exe cannot carry binding redirects for a module, so without
/// it a shipped dependency that is newer than its referrer asks for (System.Buffers) fails to load. Compiled into the
/// netstandard2.0 build only, and inert on any runtime but .NET Framework, so PowerShell 7's own loading is untouched.
/// </summary>
public sealed class DesktopModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static DesktopAssemblyResolver? _resolver;
    private static int _imports;

    public void OnImport()
    {
        if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
        {
            return;
        }

        lock (Gate)
        {
            // Runspaces share the AppDomain: one handler, counted per import.
            if (_imports++ == 0)
            {
                var folder = Path.GetDirectoryName(typeof(DesktopModuleInitializer).Assembly.Location)!;
                _resolver = new DesktopAssemblyResolver(folder);
                AppDomain.CurrentDomain.AssemblyResolve += _resolver.Resolve;
            }
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_resolver is null || --_imports > 0)
            {
                return;
            }

            AppDomain.CurrentDomain.AssemblyResolve -= _resolver.Resolve;
            _resolver = null;
        }
    }
}
