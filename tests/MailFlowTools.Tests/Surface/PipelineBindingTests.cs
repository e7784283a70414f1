using System;
using System.Linq;
using System.Reflection;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// What admins pipe in binds without Select-Object: read from the built assembly's metadata, because PowerShell
/// cannot run here. Each row is a property an existing command emits and a cmdlet that must take it.
/// </summary>
public sealed class PipelineBindingTests
{
    private static readonly Lazy<ModuleSurfaceInspector.PipelineParameter[]> Parameters = new(() =>
        ModuleSurfaceInspector.ReadPipelineParameters(TestPaths.CmdletAssembly, TestPaths.PowerShellReferenceAssembly).ToArray());

    [Theory]
    [InlineData("Get-AcceptedDomain", "DomainName", "Test-MxPath")]
    [InlineData("Get-AcceptedDomain", "DomainName", "Test-EdnsReachability")]
    [InlineData("Get-AcceptedDomain", "DomainName", "Debug-MailFlow")]
    [InlineData("Get-Queue", "NextHopDomain", "Test-MxPath")]
    [InlineData("Get-Queue", "NextHopDomain", "Test-EdnsReachability")]
    [InlineData("Get-Queue", "NextHopDomain", "Debug-MailFlow")]
    [InlineData("Get-Queue", "LastError", "Resolve-SmtpStatus")]
    [InlineData("Get-DnsClientServerAddress", "ServerAddresses", "Test-EdnsReachability")]
    [InlineData("Resolve-DnsName -Type MX", "NameExchange", "Get-SmtpStageTiming")]
    [InlineData("Resolve-DnsName -Type MX", "NameExchange", "Test-EdnsReachability")]
    [InlineData("Resolve-DnsName -Type A", "IPAddress", "Find-MtuBlackHole")]
    [InlineData("Test-NetConnection", "RemoteAddress", "Find-MtuBlackHole")]
    [InlineData("Test-NetConnection", "RemoteAddress", "Get-SmtpStageTiming")]
    [InlineData("Test-MxPath | Select-Object -Expand Hops", nameof(MxPathHop.Address), "Find-MtuBlackHole")]
    [InlineData("Test-MxPath | Select-Object -Expand Hops", nameof(MxPathHop.Address), "Get-SmtpStageTiming")]
    public void Binds_by_property_name(string source, string property, string cmdlet)
    {
        var candidates = Parameters.Value.Where(p => p.Cmdlet == cmdlet && p.ByPropertyName).ToList();
        Assert.True(
            candidates.Any(p => Matches(p, property)),
            $"{source} | {cmdlet}: no parameter of {cmdlet} binds '{property}' by property name (by-property-name parameters: {string.Join(", ", candidates.Select(c => c.Name + " [" + string.Join(",", c.Aliases) + "]"))}).");
    }

    /// <summary>
    /// Get-AcceptedDomain's DomainName is an SmtpDomainWithSubdomains and Get-Queue's items are whole objects:
    /// the domain parameters take them by value through the transformation, not through their display Name.
    /// </summary>
    [Theory]
    [InlineData("Test-MxPath")]
    [InlineData("Test-EdnsReachability")]
    [InlineData("Debug-MailFlow")]
    public void Domain_parameters_take_whole_Exchange_objects_by_value(string cmdlet)
    {
        var domain = Parameters.Value.Single(p => p.Cmdlet == cmdlet && p.ByValue && (Matches(p, "DomainName") || Matches(p, "NextHopDomain")));
        Assert.True(domain.TransformsMailDomains, cmdlet + " -" + domain.Name + " lacks [MailDomainTransformation].");
    }

    /// <summary>
    /// PowerShell matches a property to a parameter's own name before its aliases: the hop's ComputerName must
    /// carry the address that was tested, not the MX host name (which may resolve elsewhere next time).
    /// </summary>
    [Theory]
    [InlineData("Find-MtuBlackHole")]
    [InlineData("Get-SmtpStageTiming")]
    public void A_hop_binds_the_address_it_tested_not_its_host_name(string cmdlet)
    {
        var hop = new MxPathHop { Exchange = "mx1.example.test", Address = "192.0.2.7" };
        var parameter = Parameters.Value.Single(p => p.Cmdlet == cmdlet && p.ByPropertyName && p.Name == "ComputerName");
        var property = typeof(MxPathHop).GetProperty(parameter.Name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        Assert.NotNull(property);
        Assert.Equal("192.0.2.7", property.GetValue(hop));
    }

    private static bool Matches(ModuleSurfaceInspector.PipelineParameter p, string property) =>
        string.Equals(p.Name, property, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(property, StringComparer.OrdinalIgnoreCase);
}
