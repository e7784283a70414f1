using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Mime;
using MailFlowTools.Progress;
using MailFlowTools.Validation;

namespace MailFlowTools.Commands;

/// <summary>
/// Runs a real SMTP session against a server and reports each stage: time taken, reply, bytes sent, acknowledged
/// and retransmitted. Nothing is delivered unless -Deliver: the connection is dropped before the final ".".
/// </summary>
[Cmdlet(VerbsCommon.Get, "SmtpStageTiming")]
[OutputType(typeof(SmtpStageResult))]
public sealed class GetSmtpStageTimingCommand : AsyncCmdlet
{
    /// <summary>The first target's progress bar; each further target counts up from it.</summary>
    public const int ProgressActivityId = 25;

    private int _targets;

    /// <summary>
    /// SMTP servers: host names or IP addresses, one session each. Binds from a Test-MxPath hop's Address (the
    /// address that hop tested, ahead of its Exchange), Get-SendConnector's SmartHosts, Resolve-DnsName's NameExchange…
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Address", "SmartHosts", "SmartHost", "NameExchange", "Exchange", "HostName", "RemoteAddress", "Fqdn")]
    [ValidateNotNullOrEmpty]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(SmtpStageTimingOptions.MinPort, SmtpStageTimingOptions.MaxPort)]
    public int Port { get; set; } = SmtpStageTimingOptions.DefaultPort;

    /// <summary>Reverse-path; default the null sender &lt;&gt;.</summary>
    [Parameter]
    public string? From { get; set; }

    /// <summary>Recipients; default postmaster at the host's domain.</summary>
    [Parameter]
    public string[] To { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, SmtpStageTimingOptions.MaxMessageSize)]
    public int MessageSize { get; set; }

    [Parameter]
    [ValidateRange(0, SmtpStageTimingOptions.MaxEnvelopeSize)]
    public int EnvelopeSize { get; set; }

    [Parameter]
    public SmtpPipeliningMode Pipelining { get; set; } = SmtpPipeliningMode.Auto;

    [Parameter]
    public SmtpStartTlsMode StartTls { get; set; } = SmtpStartTlsMode.Auto;

    [Parameter]
    public SwitchParameter SplitEndOfData { get; set; }

    [Parameter]
    [ValidateRangeOrZero(SmtpStageTimingOptions.MinSegmentSize, SmtpStageTimingOptions.MaxSegmentSize)]
    public int SegmentSize { get; set; }

    [Parameter]
    public SmtpStopAfter StopAfter { get; set; } = SmtpStopAfter.Body;

    [Parameter]
    public SwitchParameter Deliver { get; set; }

    /// <summary>Timeout for every stage; 0 selects the RFC 5321 §4.5.3.2 values.</summary>
    [Parameter]
    [ValidateRange(0d, SmtpStageTimingOptions.MaxTimeoutSeconds)]
    public double TimeoutSeconds { get; set; } = SmtpStageTimingOptions.DefaultTimeoutSeconds;

    /// <summary>For AUTH PLAIN/LOGIN after STARTTLS with a valid certificate; never written anywhere.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Send the credential even over plain text or to a server whose certificate did not validate (test servers only).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureAuth { get; set; }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        SmtpCredential? credential = null;
        if (Credential is not null && Credential != PSCredential.Empty)
        {
            var network = Credential.GetNetworkCredential();
            credential = new SmtpCredential(Credential.UserName, network.Password);
            Secrets = credential.Redactor;
        }

        foreach (var computerName in ComputerName)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RunOneAsync(computerName, credential, cancellationToken);
        }
    }

    private async Task RunOneAsync(string computerName, SmtpCredential? credential, CancellationToken cancellationToken)
    {
        var options = SmtpStageTimingOptions.FromParameters(
            computerName, Port, From, To, MessageSize, EnvelopeSize, Pipelining, StartTls, SplitEndOfData.IsPresent, SegmentSize, StopAfter, Deliver.IsPresent, TimeoutSeconds, credential, AllowInsecureAuth.IsPresent, MailKitSasl.Factory);

        var bar = new SmtpStageProgress(Reporter, ProgressActivityId + _targets++, computerName, Port);
        bar.Start();
        try
        {
            await SmtpStageTimingEngine.RunAsync(options, Reporter, stage => { bar.Stage(stage); Emit(stage); }, cancellationToken);
        }
        catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
        {
            EmitError(ex);
        }
        finally
        {
            bar.Complete();
        }
    }
}
