using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;

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

    [CliParameter(HelpText = "A root certificate file (PEM or DER) trusted for MTA-STS checks beside the platform's roots (a private or lab CA).")]
    public string? TrustedRootCertificatePath { get; set; }

    public override string? ResumeProperty => nameof(MailFlowDiagnosis.DomainName);

    public override bool JudgesCertificates => true;

    public override async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        var options = MailFlowDiagnosisOptions.FromParameters(DnsServer, Quick, TimeoutSeconds, TrustedRootCertificatePath);
        if (NdrText is not null && NdrPath is not null)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "Give either --ndr-text or --ndr-path, not both.");
        }

        var ndr = NdrPath is null ? NdrText : StatusInputFile.Read(Path.GetFullPath(NdrPath));
        if (ndr == "-")
        {
            ndr = await context.StandardInput.ReadToEndAsync(cancellationToken);
        }

        var given = new List<DiagnosisInput>();
        given.AddRange(DomainName.Select(d => new DiagnosisInput { DomainName = d, NdrText = ndr is null ? null : NdrMessage.Split(ndr)[0] }));
        if (InputObject is not null)
        {
            given.Add(QueueItemText.Parse(InputObject));
        }
        if (given.Count == 0 && ndr is not null)
        {
            // A MIME bounce to several recipients is one diagnosis per recipient.
            given.AddRange(NdrMessage.Split(ndr).Select(text => new DiagnosisInput { NdrText = text }));
        }

        IAsyncEnumerable<DiagnosisInput> inputs;
        if (given.Count > 0)
        {
            inputs = TargetSources.From(given);
        }
        else
        {
            const string Usage = "Give a domain (for example: mailflow Debug-MailFlow contoso.com), --input-object, --ndr-text, or pipe domains on standard input.";
            inputs = FromLines(context.InputLines(Usage));
        }

        // A report per domain when more than one can come (a list, or names read from standard input).
        var severalDomains = given.Count != 1;
        var reportPath = ReportPath is null ? null : Path.GetFullPath(ReportPath);
        var plan = new TargetPlan<DiagnosisInput>((input, emit, ct) =>
            DebugMailFlowRunner.RunAsync(new[] { input }, options, reportPath, emit, context.EmitError, context.Reporter, ct, severalDomains: severalDomains))
        {
            KeyOf = input => input.NdrText is null && input.LastError is null ? input.DomainName ?? input.NextHopDomain : null,
        };
        await TargetPipeline.RunAsync(context, inputs, plan, cancellationToken);
    }

    private static async IAsyncEnumerable<DiagnosisInput> FromLines(IAsyncEnumerable<string> lines)
    {
        await foreach (var line in lines)
        {
            // One domain per line, or a mail log line (its to=<…> and relay= seed the diagnosis).
            yield return DiagnosisInput.FromText(line);
        }
    }
}
