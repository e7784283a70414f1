using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Debug-MailFlow")]
public sealed class DebugMailFlowVerb : CliVerb
{
    [CliParameter(Position = 0, HelpText = "Domains to diagnose. Read from standard input (one domain or mail log line per line) when no domain, --input-object or --ndr-text is given.")]
    public string[] DomainName { get; set; } = Array.Empty<string>();

    // One item, not a list: the CLI splits list values at commas, and queue JSON is full of them.
    [CliParameter(HelpText = "A Get-Queue item: JSON with NextHopDomain and LastError (Get-Queue | Select-Object NextHopDomain, LastError | ConvertTo-Json -Compress), or 'domain|last error text'.")]
    public string? InputObject { get; set; }

    [CliParameter(HelpText = "An NDR/DSN text or an MTA log line ('-' reads it from standard input): its recipient domain (to=<…>) and status seed the diagnosis.")]
    public string? NdrText { get; set; }

    [CliParameter(HelpText = "Resolvers to use and probe ('198.51.100.56', '[2001:db8::53]:5353' or names). Default: the system's.")]
    public string[] DnsServer { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "DNS and the MX walk only.")]
    public bool Quick { get; set; }

    [CliParameter(HelpText = "Write a self-contained HTML report to this file (or into this directory, one per domain).")]
    public string? ReportPath { get; set; }

    [CliParameter(HelpText = "Longest wait for an SMTP greeting or reply and for stalled message data, in seconds (1-120, default 10); connects wait at most 5 s, DNS probes 3 s, MTU probes 2 s.")]
    public double TimeoutSeconds { get; set; } = MailFlowDiagnosisOptions.DefaultTimeoutSeconds;

    public override async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var options = new MailFlowDiagnosisOptions { DnsServers = DnsServer, Quick = Quick, TimeoutSeconds = TimeoutSeconds };
        options.Validate();
        var ndr = NdrText;
        if (ndr == "-")
        {
            ndr = await context.StandardInput.ReadToEndAsync(cancellationToken);
        }

        var inputs = new List<DiagnosisInput>();
        inputs.AddRange(DomainName.Select(d => new DiagnosisInput { DomainName = d, NdrText = ndr }));
        if (InputObject is not null)
        {
            inputs.Add(QueueItemText.Parse(InputObject));
        }
        if (inputs.Count == 0 && ndr is not null)
        {
            inputs.Add(new DiagnosisInput { NdrText = ndr });
        }

        if (inputs.Count == 0)
        {
            if (!context.StandardInputRedirected)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "Give a domain (for example: mailflow Debug-MailFlow contoso.com), --input-object, --ndr-text, or pipe domains on standard input.");
            }

            string? line;
            while ((line = await context.StandardInput.ReadLineAsync(cancellationToken)) is not null)
            {
                var text = line.Trim();
                if (text.Length > 0 && text[0] != '#')
                {
                    // One domain per line, or a mail log line (its to=<…> and relay= seed the diagnosis).
                    inputs.Add(DiagnosisInput.FromText(text));
                }
            }
        }

        var reportPath = ReportPath is null ? null : Path.GetFullPath(ReportPath);
        await DebugMailFlowRunner.RunAsync(inputs, options, reportPath, context.Emit, context.EmitError, context.Reporter, cancellationToken);
    }
}
