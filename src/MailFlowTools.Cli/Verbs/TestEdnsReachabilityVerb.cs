using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Test-EdnsReachability")]
public sealed class TestEdnsReachabilityVerb : CliVerb
{
    [CliParameter(Position = 0, Mandatory = true, HelpText = "The name to query, e.g. the recipient domain.")]
    public string? Name { get; set; }

    [CliParameter(HelpText = "Record type to query (default MX).")]
    public DnsRecordType Type { get; set; } = DnsRecordType.MX;

    [CliParameter(HelpText = "Server addresses or names, '[addr]:port' allowed. Default: every address of the zone's authoritative servers.")]
    public string[] Server { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "EDNS buffer sizes to probe over UDP; 0 means no EDNS. Default: 0,512,1232,1410,1472,4096.")]
    public int[] BufferSize { get; set; } = Array.Empty<int>();

    [CliParameter(HelpText = "Send the probes without the DNSSEC OK bit (on by default).")]
    public bool NoDnssecOk { get; set; }

    [CliParameter(HelpText = "Seconds to wait for each probe (0.1 to 60, default 3).")]
    public double TimeoutSeconds { get; set; } = EdnsReachabilityRequest.DefaultTimeoutSeconds;

    [CliParameter(HelpText = "Do not probe TCP/53.")]
    public bool NoTcp { get; set; }

    [CliParameter(HelpText = "Add the EDNS compliance probes (unknown version, option and flag; OPT on truncated answers).")]
    public bool Compliance { get; set; }

    public override Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        // Missing is a usage error; an explicit "" reaches the engine, which names what is wrong with it.
        if (Name is null)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "Give the name to query, for example: mailflow Test-EdnsReachability example.com");
        }

        var request = new EdnsReachabilityRequest
        {
            Name = Name,
            Type = Type,
            Servers = Server,
            BufferSizes = BufferSize,
            DnssecOk = !NoDnssecOk,
            TimeoutSeconds = TimeoutSeconds,
            NoTcp = NoTcp,
            Compliance = Compliance,
        };
        return EdnsReachabilityRunner.RunAsync(request, context.Emit, context.EmitError, context.Reporter, cancellationToken);
    }
}
