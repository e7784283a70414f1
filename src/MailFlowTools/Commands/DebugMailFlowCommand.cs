using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Progress;
using MailFlowTools.Transformations;

namespace MailFlowTools.Commands;

/// <summary>
/// From "mail to X fails" to the probable cause in one command: DNS and EDNS for the MX answer, the MX walk, SMTP
/// stage timing with ~100 kB of message data (never delivered), path MTU and the size sweep, then the cause, where
/// it sits, what to do and the evidence chain. Inputs are collected from the pipeline and diagnosed one domain after
/// another when the input ends.
/// </summary>
[Cmdlet(VerbsDiagnostic.Debug, "MailFlow", DefaultParameterSetName = InputSet)]
[OutputType(typeof(MailFlowDiagnosis))]
public sealed class DebugMailFlowCommand : AsyncCmdlet
{
    // The default set takes whole pipeline objects, so a Get-Queue item keeps its LastError with its NextHopDomain.
    private const string InputSet = "InputObject";
    private const string DomainSet = "DomainName";
    private const string NdrSet = "NdrText";
    private const string NdrPathSet = "NdrPath";

    private static readonly string[] DomainProperties = { "NextHopDomain", "DomainName", "Domain", "Name" };

    private readonly List<DiagnosisInput> _inputs = new();

    /// <summary>Domains to diagnose (Get-AcceptedDomain's DomainName and Get-Queue's NextHopDomain bind by property name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = DomainSet)]
    [Alias("Domain", "Name", "NextHopDomain")]
    [MailDomainTransformation]
    [ValidateNotNullOrEmpty]
    public string[] DomainName { get; set; } = Array.Empty<string>();

    /// <summary>A pipeline object: a Get-Queue item (NextHopDomain and LastError), an accepted domain, or a domain string.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputSet)]
    public PSObject? InputObject { get; set; }

    /// <summary>An NDR/DSN text or an MTA log line: its recipient domain (when -DomainName is not given) and status seed the diagnosis.</summary>
    [Parameter(ParameterSetName = DomainSet)]
    [Parameter(Mandatory = true, ParameterSetName = NdrSet)]
    [ValidateNotNullOrEmpty]
    public string? NdrText { get; set; }

    /// <summary>A file that holds an NDR or DSN: a saved bounce (.eml, one diagnosis per recipient) or its copied text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NdrPathSet)]
    [ValidateNotNullOrEmpty]
    public string? NdrPath { get; set; }

    /// <summary>Resolvers to use and probe ("198.51.100.56", "[2001:db8::53]:5353", or names); default: the system's.</summary>
    [Parameter]
    [Alias("Server")]
    public string[] DnsServer { get; set; } = Array.Empty<string>();

    /// <summary>DNS and the MX walk only.</summary>
    [Parameter]
    public SwitchParameter Quick { get; set; }

    /// <summary>Write a self-contained HTML report here (a file, or a directory for one report per domain).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>The longest wait for an SMTP greeting or reply and for stalled message data (connects at most 5 s, DNS 3 s, MTU probes 2 s).</summary>
    [Parameter]
    [ValidateRange(MailFlowDiagnosisOptions.MinTimeoutSeconds, MailFlowDiagnosisOptions.MaxTimeoutSeconds)]
    public double TimeoutSeconds { get; set; } = MailFlowDiagnosisOptions.DefaultTimeoutSeconds;

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        switch (ParameterSetName)
        {
            case DomainSet:
                foreach (var domain in DomainName)
                {
                    _inputs.Add(new DiagnosisInput { DomainName = domain, NdrText = NdrText is null ? null : NdrMessage.Split(NdrText)[0] });
                }

                break;
            case NdrSet:
                // A MIME bounce to several recipients is one diagnosis per recipient.
                _inputs.AddRange(NdrMessage.Split(NdrText).Select(text => new DiagnosisInput { NdrText = text }));
                break;
            case NdrPathSet:
                var ndr = StatusInputFile.Read(SessionState.Path.GetUnresolvedProviderPathFromPSPath(NdrPath));
                _inputs.AddRange(NdrMessage.Split(ndr).Select(text => new DiagnosisInput { NdrText = text }));
                break;
            default:
                _inputs.Add(FromObject(InputObject));
                break;
        }

        return Task.CompletedTask;
    }

    /// <summary>A root certificate file (PEM or DER) trusted for MTA-STS checks beside the platform's roots.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustedRootCertificatePath { get; set; }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var options = MailFlowDiagnosisOptions.FromParameters(
            DnsServer,
            Quick.IsPresent,
            TimeoutSeconds,
            TrustedRootCertificatePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TrustedRootCertificatePath));
        var reportPath = ReportPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ReportPath);
        // Each engine run gets its own bar under the diagnosis bar (the EDNS probes run two at once).
        var probes = new DiagnosisProgressProbes(this, Reporter);
        await DebugMailFlowRunner.RunAsync(_inputs, options, reportPath, Emit, EmitError, Reporter, cancellationToken, probes);
    }

    /// <summary>A domain string, or an object's NextHopDomain / DomainName / Domain / Name and LastError.</summary>
    private static DiagnosisInput FromObject(PSObject? input)
    {
        if (input?.BaseObject is string text)
        {
            // A domain, or a mail log line (Get-Content mail.log | Select-String … | Debug-MailFlow).
            return DiagnosisInput.FromText(text);
        }

        if (input?.BaseObject is MailFlowTools.Core.Smtp.Status.SmtpStatusResult status && status.LogEntry is not null)
        {
            return new DiagnosisInput { NdrText = status.InputText };
        }

        string? domain = null;
        foreach (var name in DomainProperties)
        {
            domain ??= Text(input?.Properties[name]?.Value);
        }

        return new DiagnosisInput { NextHopDomain = domain, LastError = Text(input?.Properties["LastError"]?.Value) };
    }

    private static string? Text(object? value)
    {
        if (value is PSObject ps)
        {
            value = ps.BaseObject;
        }

        var text = value?.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
