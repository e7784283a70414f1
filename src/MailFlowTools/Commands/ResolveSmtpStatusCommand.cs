using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;

namespace MailFlowTools.Commands;

/// <summary>
/// Explains an SMTP reply, an enhanced status code, an NDR/DSN, an MTA log line or a queue listing, and names the
/// commands to run next. Whole logs (-Path, Get-Content, Get-Content -ReadCount) are read line by line in bounded
/// memory; -Summary folds them into groups by destination and path signature.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "SmtpStatus", DefaultParameterSetName = TextSet)]
[OutputType(typeof(SmtpStatusResult), typeof(MailLogSummary))]
public sealed class ResolveSmtpStatusCommand : AsyncCmdlet
{
    private const string TextSet = "Text";
    private const string PathSet = "Path";

    private MailLogProcessor? _processor;
    private MailLogOptions? _options;

    /// <summary>
    /// A reply ("451 4.4.0 …"), a code ("4.4.7"), an NDR, a log line or many; Get-Queue's LastError binds here.
    /// Never split at commas: each array item is one text.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = TextSet)]
    [Alias("LastError", "RecipientStatus", "Status", "StatusCode", "Reply")]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[] Text { get; set; } = Array.Empty<string>();

    /// <summary>Files that hold an NDR or DSN, or a whole mail log or queue listing (read line by line).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Group deferrals and bounces by destination and path signature instead of one result per line.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Only log lines at or after this time (RFC 3339, "2026-12-06 14:00", or a syslog time).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Since { get; set; }

    /// <summary>Only log lines at or before this time.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Until { get; set; }

    protected override Task BeginProcessingAsync(CancellationToken cancellationToken)
    {
        _options = MailLogOptions.FromParameters(Summary.IsPresent, Since, Until, DateTimeOffset.Now);
        _processor = new MailLogProcessor(_options, r => EmitThrottled(r, StopToken), EmitError, NdrMessage.Split);
        return Task.CompletedTask;
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        if (ParameterSetName == PathSet)
        {
            foreach (var path in Path)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                using var reader = MailLogFile.Open(full);
                await _processor!.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        foreach (var input in Text ?? new string?[] { null })
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(input) && MyInvocation.ExpectingInput)
            {
                // A queue that is not retrying has LastError $null: nothing to explain, and no error either.
                Reporter.Verbose("An input without status text (such as a queue with no LastError) was skipped.");
                continue;
            }

            _processor!.AddText(input, MyInvocation.ExpectingInput);
        }
    }

    protected override Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var processor = _processor!;
        if (processor.LinesRead > 1 || processor.SkippedLines > 0)
        {
            Reporter.Verbose($"{processor.LinesRead} lines read; {processor.SkippedLines} were not delivery lines and were skipped; {processor.OutsideWindow} delivery lines were outside -Since/-Until; {processor.TruncatedLines} over-long lines were cut.");
        }

        var source = ParameterSetName == PathSet ? string.Join(", ", Path) : "pipeline";
        if (processor.Complete(source) is { } summary)
        {
            Emit(summary);
        }

        return Task.CompletedTask;
    }
}
