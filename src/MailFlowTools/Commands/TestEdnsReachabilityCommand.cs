using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Transformations;

namespace MailFlowTools.Commands;

/// <summary>
/// Measures which DNS servers answer a query, at which EDNS buffer sizes, over UDP and TCP, and says why the
/// others do not (fragment loss, TCP/53 blocked, EDNS not supported).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "EdnsReachability")]
[OutputType(typeof(EdnsReachabilityResult))]
public sealed class TestEdnsReachabilityCommand : AsyncCmdlet
{
    /// <summary>The name to query, e.g. a recipient domain; Get-AcceptedDomain's DomainName and Resolve-DnsName's NameExchange bind here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("DomainName", "NextHopDomain", "Domain", "NameExchange")]
    [MailDomainTransformation]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    public DnsRecordType Type { get; set; } = DnsRecordType.MX;

    /// <summary>Server addresses or names ("[addr]:port" allowed); default: every address of the zone's authoritative servers.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("IPAddress", "ServerAddresses")]
    public string[] Server { get; set; } = Array.Empty<string>();

    /// <summary>EDNS buffer sizes to probe over UDP; 0 means a query without EDNS.</summary>
    [Parameter]
    public int[] BufferSize { get; set; } = Array.Empty<int>();

    /// <summary>Send the probes without the DNSSEC OK bit (it is on by default, like a validating resolver).</summary>
    [Parameter]
    public SwitchParameter NoDnssecOk { get; set; }

    [Parameter]
    public double TimeoutSeconds { get; set; } = EdnsReachabilityRequest.DefaultTimeoutSeconds;

    [Parameter]
    public SwitchParameter NoTcp { get; set; }

    /// <summary>Add the EDNS compliance probes (unknown version, option and flag; OPT on truncated answers).</summary>
    [Parameter]
    public SwitchParameter Compliance { get; set; }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        var request = EdnsReachabilityRequest.FromParameters(Name, Type, Server, BufferSize, !NoDnssecOk.IsPresent, TimeoutSeconds, NoTcp.IsPresent, Compliance.IsPresent);
        return EdnsReachabilityRunner.RunAsync(request, Emit, EmitError, Reporter, cancellationToken);
    }
}
