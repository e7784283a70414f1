using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Logs;
using MailFlowTools.Mime;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Resolve-SmtpStatus")]
public sealed class ResolveSmtpStatusVerb : CliVerb
{
    [CliParameter(Position = 0, FreeText = true, HelpText = "An SMTP reply, an enhanced status code such as 4.4.7, an NDR text, an Exchange LastError or an MTA log line. Never split at commas: repeat --text (or give more arguments) for several. Read from standard input when omitted: a log or queue listing line by line, one status per line, or one NDR.")]
    public string[] Text { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "Files that hold an NDR or DSN, or a whole mail log or queue listing (postqueue -j, mailq, exim -bp), read line by line.")]
    public string[] Path { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "Group deferrals and bounces by destination and path signature, with counts, first and last time, addresses and the next commands, instead of one result per line.")]
    public bool Summary { get; set; }

    [CliParameter(HelpText = "Only log lines at or after this time: RFC 3339 (2026-12-06T14:00:00Z), '2026-12-06 14:00' or a syslog time ('Dec  6 14:00:00').")]
    public string? Since { get; set; }

    [CliParameter(HelpText = "Only log lines at or before this time (same forms as --since).")]
    public string? Until { get; set; }

    public override async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (Text.Length > 0 && Path.Length > 0)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "Give either text or --path, not both.");
        }

        var options = MailLogOptions.FromParameters(Summary, Since, Until, DateTimeOffset.Now);
        // A MIME bounce read whole gives one status per recipient; log lines are read one at a time.
        var processor = new MailLogProcessor(options, context.Emit, context.EmitError, NdrMessage.Split);
        string source;
        if (Path.Length > 0)
        {
            source = string.Join(", ", Path);
            foreach (var path in Path)
            {
                // A missing or unreadable file is that file's error; the other files are still read.
                try
                {
                    using var reader = MailLogFile.Open(System.IO.Path.GetFullPath(path));
                    await processor.ReadAsync(reader, cancellationToken);
                }
                catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
                {
                    context.EmitError(ex);
                }
            }
        }
        else if (Text.Length > 0)
        {
            source = "arguments";
            foreach (var text in Text)
            {
                cancellationToken.ThrowIfCancellationRequested();
                processor.AddText(text, fromStream: false);
            }
        }
        else
        {
            if (!context.StandardInputRedirected)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "Give a status (for example 4.4.7), --path FILE, or pipe an NDR, a mail log or statuses (one per line) on standard input.");
            }

            source = "standard input";
            await processor.ReadAsync(context.StandardInput, cancellationToken);
        }

        if (processor.LinesRead > 1 || processor.SkippedLines > 0)
        {
            context.Reporter.Verbose($"{processor.LinesRead} lines read; {processor.SkippedLines} were not delivery lines and were skipped; {processor.OutsideWindow} delivery lines were outside --since/--until; {processor.TruncatedLines} over-long lines were cut.");
        }

        if (processor.Complete(source) is { } summary)
        {
            context.Emit(summary);
        }
    }
}
