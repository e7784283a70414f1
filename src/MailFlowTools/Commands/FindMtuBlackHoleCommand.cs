using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Validation;

namespace MailFlowTools.Commands;

/// <summary>Finds the exact path MTU to a host, proves a PMTU discovery black hole, and catches loss of particular TCP payload sizes.</summary>
[Cmdlet(VerbsCommon.Find, "MtuBlackHole")]
[OutputType(typeof(MtuProbeResult))]
public sealed class FindMtuBlackHoleCommand : AsyncCmdlet
{
    /// <summary>Host names or addresses; Get-SendConnector's SmartHosts, Test-NetConnection's RemoteAddress and similar bind by property name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Address", "Exchange", "HostName", "SmartHosts", "SmartHost", "RemoteAddress", "IPAddress")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter]
    public MtuProbeMethod Method { get; set; } = MtuProbeMethod.Auto;

    /// <summary>The TCP port for the TCP method and the size sweep; a Test-MxPath hop's Port binds here.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(MtuProbeOptions.MinPort, MtuProbeOptions.MaxPort)]
    public int Port { get; set; } = MtuProbeOptions.DefaultPort;

    /// <summary>Smallest IP packet size to try (IPv4 68..65535, IPv6 1280..65535); 0 for the method's default.</summary>
    [Parameter]
    [ValidateRangeOrZero(MtuProbeOptions.MinIPv4Size, MtuProbeOptions.MaxIpSize)]
    public int MinSize { get; set; }

    /// <summary>Largest IP packet size to try; 0 for the outgoing interface's MTU.</summary>
    [Parameter]
    [ValidateRangeOrZero(MtuProbeOptions.MinIPv4Size, MtuProbeOptions.MaxIpSize)]
    public int MaxSize { get; set; }

    [Parameter]
    public int[] PayloadSize { get; set; } = Array.Empty<int>();

    [Parameter]
    public double TimeoutSeconds { get; set; } = MtuProbeOptions.DefaultTimeoutSeconds;

    [Parameter]
    public MtuProbeAddressFamily AddressFamily { get; set; } = MtuProbeAddressFamily.Any;

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var engine = new PathMtuEngine(Reporter);
        await engine.RunEachAsync(
            ComputerName,
            name => MtuProbeOptions.FromParameters(name, Method, Port, MinSize, MaxSize, PayloadSize, TimeoutSeconds, AddressFamily),
            Emit,
            EmitError,
            cancellationToken);
    }
}
