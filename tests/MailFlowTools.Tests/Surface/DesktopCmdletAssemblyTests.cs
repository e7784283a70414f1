using System.Linq;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// The Windows PowerShell 5.1 build of the cmdlets, from metadata: it targets .NET Standard 2.0, binds to the engine
/// Windows PowerShell 5.1 has (System.Management.Automation 3.0.0.0), references nothing .NET Framework 4.7.2
/// lacks, and carries the assembly resolver that only this build needs.
/// </summary>
public class DesktopCmdletAssemblyTests
{
    private const string Initializer = "MailFlowTools.Desktop.DesktopModuleInitializer";

    [Theory]
    [InlineData("MailFlowTools.dll")]
    [InlineData("MailFlowTools.Core.dll")]
    public void TargetsNetStandard20(string file)
    {
        Assert.Equal(".NETStandard,Version=v2.0", DesktopModuleFolder.Get(file).TargetFramework);
    }

    [Fact]
    public void BindsToTheWindowsPowerShell51Engine()
    {
        var sma = DesktopModuleFolder.Get("MailFlowTools.dll").References.Single(r => r.Name == "System.Management.Automation");

        Assert.Equal(new System.Version(3, 0, 0, 0), sma.Version);
        Assert.Equal("31bf3856ad364e35", FrameworkAssembly.TokenOf(sma));
    }

    [Theory]
    [InlineData("MailFlowTools.dll")]
    [InlineData("MailFlowTools.Core.dll")]
    public void ReferencesOnlyNetStandardThePowerShellEngineAndShippedAssemblies(string file)
    {
        var shipped = DesktopModuleFolder.Assemblies().Select(a => a.Identity.Name).ToHashSet();
        var allowed = new[] { "netstandard", "System.Management.Automation" };

        // A .NET (Core) reference such as System.Runtime 8.0 or System.Private.CoreLib would mean a net8.0 build leaked in.
        var foreign = DesktopModuleFolder.Get(file).References
            .Where(r => !allowed.Contains(r.Name) && !shipped.Contains(r.Name))
            .Select(r => r.FullName)
            .ToList();

        Assert.Empty(foreign);
    }

    [Fact]
    public void TheDesktopBuildRegistersTheResolverOnImportAndRemovesItOnRemove()
    {
        var cmdlets = DesktopModuleFolder.Get("MailFlowTools.dll");

        Assert.Contains(Initializer, cmdlets.TypeNames);
        Assert.Contains("System.Management.Automation.IModuleAssemblyInitializer", cmdlets.InterfacesByType[Initializer]);
        Assert.Contains("System.Management.Automation.IModuleAssemblyCleanup", cmdlets.InterfacesByType[Initializer]);
    }

    [Fact]
    public void ThePowerShell7BuildHasNoResolver()
    {
        var net8 = ShippedAssembly.Read(DesktopModuleFolder.Net8Path);

        Assert.Equal(".NETCoreApp,Version=v8.0", net8.TargetFramework);
        Assert.DoesNotContain(net8.TypeNames, t => t.StartsWith("MailFlowTools.Desktop.", System.StringComparison.Ordinal));
    }
}
