using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Resolve-SmtpStatus")]
public sealed class ResolveSmtpStatusVerb : CliVerb
{
    [CliParameter(Position = 0, HelpText = "An SMTP reply, an enhanced status code such as 4.4.7, or an NDR text. Read from standard input when omitted.")]
    public string[] Text { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "Files that hold an NDR or DSN.")]
    public string[] Path { get; set; } = Array.Empty<string>();

    public override async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (Text.Length > 0 && Path.Length > 0)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "Give either text or --path, not both.");
        }

        // Each text or file is one target; standard input is one NDR, not a list.
        IAsyncEnumerable<string> inputs;
        Func<string, string> textOf = text => text;
        if (Path.Length > 0)
        {
            inputs = TargetSources.From(Path);
            textOf = StatusInputFile.Read;
        }
        else if (Text.Length > 0)
        {
            inputs = TargetSources.From(Text);
        }
        else
        {
            if (!context.StandardInputRedirected)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, "Give a status (for example 4.4.7), --path FILE, or pipe an NDR on standard input.");
            }

            inputs = TargetSources.From(new[] { await context.StandardInput.ReadToEndAsync(cancellationToken) });
        }

        var plan = new TargetPlan<string>((input, emit, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            // A MIME bounce gives one status per recipient; any other text is one status.
            foreach (var part in NdrMessage.Split(textOf(input)))
            {
                try
                {
                    emit(SmtpStatusResolver.Resolve(part));
                }
                catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
                {
                    context.EmitError(ex);
                }
            }

            return Task.CompletedTask;
        });
        await TargetPipeline.RunAsync(context, inputs, plan, cancellationToken);
    }
}
