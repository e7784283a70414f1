using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Debug-MailFlow")]
public sealed class DebugMailFlowVerb : CliVerb
{
    [CliParameter(Position = 0, HelpText = "Domains to diagnose. Read from standard input (one per line) when no domain, --input-object or --ndr-text is given.")]
    public string[] DomainName { get; set; } = Array.Empty<string>();

    // One item, not a list: the CLI splits list values at commas, and queue JSON is full of them.
    [CliParameter(HelpText = "A Get-Queue item: JSON with NextHopDomain and LastError (Get-Queue | Select-Object NextHopDomain, LastError | ConvertTo-Json -Compress), or 'domain|last error text'.")]
    public string? InputObject { get; set; }

    [CliParameter(HelpText = "An NDR/DSN text ('-' reads it from standard input): its recipient domain and status seed the diagnosis.")]
    public string? NdrText { get; set; }

    [CliParameter(HelpText = "A file that holds an NDR or DSN: a saved bounce (.eml, one diagnosis per recipient) or its copied text.")]
    public string? NdrPath { get; set; }

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
        var options = MailFlowDiagnosisOptions.FromParameters(DnsServer, Quick, TimeoutSeconds);
        if (NdrText is not null && NdrPath is not null)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "Give either --ndr-text or --ndr-path, not both.");
        }

        var ndr = NdrPath is null ? NdrText : StatusInputFile.Read(Path.GetFullPath(NdrPath));
        if (ndr == "-")
        {
            ndr = await context.StandardInput.ReadToEndAsync(cancellationToken);
        }

        var inputs = new List<DiagnosisInput>();
        inputs.AddRange(DomainName.Select(d => new DiagnosisInput { DomainName = d, NdrText = ndr is null ? null : NdrMessage.Split(ndr)[0] }));
        if (InputObject is not null)
        {
            inputs.Add(QueueItemText.Parse(InputObject));
        }
        if (inputs.Count == 0 && ndr is not null)
        {
            // A MIME bounce to several recipients is one diagnosis per recipient.
            inputs.AddRange(NdrMessage.Split(ndr).Select(text => new DiagnosisInput { NdrText = text }));
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
                    inputs.Add(new DiagnosisInput { DomainName = text });
                }
            }
        }

        var reportPath = ReportPath is null ? null : Path.GetFullPath(ReportPath);
        await DebugMailFlowRunner.RunAsync(inputs, options, reportPath, context.Emit, context.EmitError, context.Reporter, cancellationToken);
    }
}
