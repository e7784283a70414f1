using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using MailFlowTools.Desktop;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// Windows PowerShell 5.1 cannot run here, so the Desktop folder is checked the way the .NET Framework binder would
/// see it: every reference of every shipped assembly must bind to a shipped file of the same identity, to a newer
/// shipped file that the module's AssemblyResolve rule hands out, or to an assembly .NET Framework 4.7.2 has.
/// </summary>
public class DesktopAssemblyReferenceTests
{
    [Fact]
    public void TheDesktopFolderShipsTheModuleAndItsDependencies()
    {
        var files = DesktopModuleFolder.Assemblies().Select(a => a.FileName).ToList();

        Assert.Contains("MailFlowTools.dll", files);
        Assert.Contains("MailFlowTools.Core.dll", files);
        Assert.Contains("System.Memory.dll", files);
        Assert.Contains("System.Buffers.dll", files);
        Assert.Contains("System.Threading.Channels.dll", files);
    }

    [Fact]
    public void EveryReferenceBindsOnWindowsPowerShell51()
    {
        var shipped = DesktopModuleFolder.Assemblies();
        var listing = DesktopModuleFolder.ResolverListing();

        var unresolved = shipped
            .SelectMany(a => a.References.Select(r => (From: a, Reference: r)))
            .Select(p => (p.From, p.Reference, How: HowItBinds(p.Reference, shipped, listing)))
            .Where(p => p.How is null)
            .Select(p => $"{p.From.FileName} -> {p.Reference.FullName}")
            .ToList();

        Assert.True(unresolved.Count == 0, "References that would not bind in Windows PowerShell 5.1:\n" + string.Join("\n", unresolved));
    }

    [Fact]
    public void SystemMemoryReachesSystemBuffersExactlyOrThroughTheResolver()
    {
        // System.Memory 4.5.x was built against an older System.Buffers than shipped (the resolver bridged it);
        // with MimeKit's System.Memory 4.6.3 the two match. Either way the reference binds, and a gap only upward.
        var shipped = DesktopModuleFolder.Assemblies();
        var memory = shipped.Single(a => a.FileName == "System.Memory.dll");
        var buffersReference = memory.References.Single(r => r.Name == "System.Buffers");
        var buffers = shipped.Single(a => a.FileName == "System.Buffers.dll");

        Assert.True(buffers.Identity.Version >= buffersReference.Version, $"System.Buffers {buffers.Identity.Version} ships for a reference to {buffersReference.Version}");
        Assert.Equal(buffers.Identity.Version == buffersReference.Version ? "exact" : "resolver", HowItBinds(buffersReference, shipped, DesktopModuleFolder.ResolverListing()));
    }

    [Fact]
    public void OnlyTheResolverBridgesVersionGapsAndEveryGapIsUpward()
    {
        var shipped = DesktopModuleFolder.Assemblies();
        var byName = shipped.ToDictionary(a => a.Identity.Name!, a => a);
        foreach (var (from, reference) in shipped.SelectMany(a => a.References.Select(r => (a, r))))
        {
            if (byName.TryGetValue(reference.Name!, out var target))
            {
                Assert.True(target.Identity.Version >= reference.Version, $"{from.FileName} wants {reference.FullName}; only {target.Identity.Version} ships");
                Assert.Equal(FrameworkAssembly.TokenOf(reference), FrameworkAssembly.TokenOf(target.Identity));
            }
        }
    }

    /// <summary>"exact" (the binder finds it next to its referrer), "resolver" (the AssemblyResolve rule answers), "framework", or null.</summary>
    private static string? HowItBinds(AssemblyName reference, IReadOnlyList<ShippedAssembly> shipped, IReadOnlyList<KeyValuePair<string, AssemblyName>> listing)
    {
        var file = shipped.FirstOrDefault(a => a.Identity.Name == reference.Name);
        if (file is not null)
        {
            if (file.Identity.Version == reference.Version && FrameworkAssembly.TokenOf(file.Identity) == FrameworkAssembly.TokenOf(reference))
            {
                return "exact";
            }

            return BundledAssemblyRule.Choose(reference, listing) == file.Path ? "resolver" : null;
        }

        return FrameworkAssembly.WindowsPowerShell51.Any(f => f.Satisfies(reference)) ? "framework" : null;
    }
}
