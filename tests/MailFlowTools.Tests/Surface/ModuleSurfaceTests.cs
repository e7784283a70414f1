using System.Linq;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Surface;

public sealed class ModuleSurfaceTests
{
    [Fact]
    public void The_module_surface_is_complete_and_consistent()
    {
        var cmdlets = ModuleSurfaceInspector.ReadCmdlets(TestPaths.CmdletAssembly, TestPaths.PowerShellReferenceAssembly);
        Assert.Contains(cmdlets, c => c.Name == "Resolve-SmtpStatus");

        var violations = ModuleSurfaceInspector.Inspect(
            cmdlets,
            ModuleSurfaceInspector.ReadApprovedVerbs(TestPaths.PowerShellReferenceAssembly),
            ModuleSurfaceInspector.ReadManifestCmdlets(TestPaths.InRepo("MailFlowTools.psd1")),
            TestPaths.InRepo("en-US", "MailFlowTools.dll-Help.xml"),
            ModuleSurfaceInspector.ReadCliVerbs(TestPaths.CliAssembly, TestPaths.PowerShellReferenceAssembly));

        Assert.True(violations.Count == 0, "Module surface violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_checks_reject_a_deliberately_broken_module()
    {
        var fixture = TestPaths.InRepo("tests", "Fixtures", "BrokenModule");
        var violations = ModuleSurfaceInspector.Inspect(
            ModuleSurfaceInspector.ReadCmdlets(TestPaths.BrokenModuleAssembly, TestPaths.PowerShellReferenceAssembly),
            ModuleSurfaceInspector.ReadApprovedVerbs(TestPaths.PowerShellReferenceAssembly),
            ModuleSurfaceInspector.ReadManifestCmdlets(System.IO.Path.Combine(fixture, "BrokenModule.psd1")),
            System.IO.Path.Combine(fixture, "en-US", "BrokenModule.dll-Help.xml"),
            ModuleSurfaceInspector.ReadCliVerbs(TestPaths.BrokenModuleAssembly, TestPaths.PowerShellReferenceAssembly));

        string[] expected =
        {
            "Fetch-Thing: 'Fetch' is not an approved verb.",
            "Get-Untyped: no [OutputType].",
            "Get-Untyped: not in the manifest's CmdletsToExport.",
            "Get-Ghost: exported by the manifest but not defined in the assembly.",
            "Get-Untyped: no MAML help.",
            "Fetch-Thing: help has 1 example(s); at least two are needed.",
            "Fetch-Thing: parameter -Size is not described in the help.",
            "Fetch-Thing: help has no synopsis.",
            "Test-Mismatch: parameter -Extra is missing from the CLI verb.",
            "Test-Mismatch: the CLI verb has --Other, which the cmdlet lacks.",
            "Get-Untyped: the CLI has no such verb.",
        };
        foreach (var e in expected)
        {
            Assert.Contains(e, violations);
        }

        Assert.DoesNotContain(violations, v => v.StartsWith("Test-Mismatch: help", System.StringComparison.Ordinal));
        Assert.Equal(expected.Length, violations.Count(v => expected.Contains(v)));
    }
}
