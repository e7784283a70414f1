using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Test-EdnsReachability")]
public sealed class TestEdnsReachabilityVerb : CliVerb
{
    [CliParameter(Position = 0, HelpText = "The name to query, e.g. the recipient domain. Read from standard input (one per line, tested in turn) when omitted.")]
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

    public override string? ResumeProperty => nameof(EdnsReachabilityResult.Name);

    public override Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        // Like the cmdlet's pipeline: each piped name is tested in turn. An explicit "" is not "omitted": it reaches
        // the engine, which says what is wrong with it.
        var names = Name is null
            ? context.InputLines("Give the name to query, for example: mailflow Test-EdnsReachability example.com, or pipe names on standard input, one per line.")
            : TargetSources.From(new[] { Name });
        var plan = new TargetPlan<string>((name, emit, ct) =>
        {
            var request = EdnsReachabilityRequest.FromParameters(name, Type, Server, BufferSize, !NoDnssecOk, TimeoutSeconds, NoTcp, Compliance);
            return EdnsReachabilityRunner.RunAsync(request, emit, context.EmitError, context.Reporter, ct);
        })
        {
            KeyOf = name => name.Trim().Length > 0 ? name : null,
        };

        return TargetPipeline.RunAsync(context, names, plan, cancellationToken);
    }
}
