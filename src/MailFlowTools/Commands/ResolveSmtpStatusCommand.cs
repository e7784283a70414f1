using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;

namespace MailFlowTools.Commands;

/// <summary>Explains an SMTP reply, an enhanced status code or an NDR/DSN, and names the test to run next.</summary>
[Cmdlet(VerbsDiagnostic.Resolve, "SmtpStatus", DefaultParameterSetName = TextSet)]
[OutputType(typeof(SmtpStatusResult))]
public sealed class ResolveSmtpStatusCommand : AsyncCmdlet
{
    private const string TextSet = "Text";
    private const string PathSet = "Path";

    /// <summary>A reply ("451 4.4.0 …"), a code ("4.4.7") or a whole NDR; Get-Queue's LastError binds here.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = TextSet)]
    [Alias("LastError", "RecipientStatus", "Status", "StatusCode", "Reply")]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[] Text { get; set; } = System.Array.Empty<string>();

    /// <summary>Files that hold an NDR or DSN (for example a saved .eml or a copied NDR body).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    public string[] Path { get; set; } = System.Array.Empty<string>();

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string?> inputs = ParameterSetName == PathSet ? ReadFiles() : Text ?? new string?[] { null };
        foreach (var input in inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(input) && MyInvocation.ExpectingInput)
            {
                // A queue that is not retrying has LastError $null: nothing to explain, and no error either.
                Reporter.Verbose("An input without status text (such as a queue with no LastError) was skipped.");
                continue;
            }

            // A MIME bounce gives one status per recipient; any other text is one status.
            foreach (var part in NdrMessage.Split(input))
            {
                try
                {
                    Emit(SmtpStatusResolver.Resolve(part));
                }
                catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
                {
                    EmitError(ex);
                }
            }
        }

        return Task.CompletedTask;
    }

    private string[] ReadFiles()
    {
        var texts = new string[Path.Length];
        for (var i = 0; i < Path.Length; i++)
        {
            texts[i] = StatusInputFile.Read(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path[i]));
        }

        return texts;
    }
}
