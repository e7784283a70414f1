using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Find-MtuBlackHole")]
public sealed class FindMtuBlackHoleVerb : CliVerb
{
    [CliParameter(Position = 0, Mandatory = true, HelpText = "Host names or addresses to probe (every address of each name). Read from standard input (one per line) when omitted and input is piped.")]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "Auto (default): ICMP when permitted and answered, else TCP. Icmp, Tcp, or Sweep (exact TCP payload sizes).")]
    public MtuProbeMethod Method { get; set; } = MtuProbeMethod.Auto;

    [CliParameter(HelpText = "TCP port for the Tcp method and the sweep (default 25).")]
    public int Port { get; set; } = MtuProbeOptions.DefaultPort;

    [CliParameter(HelpText = "Smallest IP packet size to try: IPv4 68-65535, IPv6 1280-65535 (default: 68 ICMP, 576 TCP, 1280 IPv6).")]
    public int MinSize { get; set; }

    [CliParameter(HelpText = "Largest IP packet size to try (default: the outgoing interface MTU).")]
    public int MaxSize { get; set; }

    [CliParameter(HelpText = "TCP payload sizes for the envelope sweep, e.g. 512,513,514 (65-8192; default 2^n±2 for n=8..11 plus a grid). Runs the sweep.")]
    public int[] PayloadSize { get; set; } = Array.Empty<int>();

    [CliParameter(HelpText = "Longest wait for one probe's answer, in seconds (default 2).")]
    public double TimeoutSeconds { get; set; } = MtuProbeOptions.DefaultTimeoutSeconds;

    [CliParameter(HelpText = "Any (default), IPv4 or IPv6: which of the host's addresses to probe.")]
    public MtuProbeAddressFamily AddressFamily { get; set; } = MtuProbeAddressFamily.Any;

    public override string? ResumeProperty => nameof(MtuProbeResult.ComputerName);

    public override Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var names = ComputerName.Length > 0
            ? TargetSources.From(ComputerName)
            : context.StandardInputRedirected
                ? context.InputLines(string.Empty)
                : throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "Give a host name or address, e.g. 'mailflow Find-MtuBlackHole mx1.example.net', or pipe names on standard input, one per line.");

        // Hosts in turn, as the cmdlet's pipeline takes them; each host's addresses are probed in parallel.
        var engine = new PathMtuEngine(context.Reporter);
        var plan = new TargetPlan<string>((name, emit, ct) => engine.RunAsync(
            MtuProbeOptions.FromParameters(name, Method, Port, MinSize, MaxSize, PayloadSize, TimeoutSeconds, AddressFamily),
            emit,
            ct))
        {
            KeyOf = name => name.Trim().Length > 0 ? name : null,
        };

        return TargetPipeline.RunAsync(context, names, plan, cancellationToken);
    }
}
