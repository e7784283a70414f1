using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli.Binding;

/// <summary>What a verb can do while it runs: the CLI's counterpart of the cmdlet base's Emit and EmitError.</summary>
public sealed class CliContext
{
    public CliContext(IEngineReporter reporter, Action<object> emit, Action<MailFlowException> emitError, TextReader standardInput, bool standardInputRedirected)
    {
        Reporter = reporter;
        Emit = emit;
        EmitError = emitError;
        StandardInput = standardInput;
        StandardInputRedirected = standardInputRedirected;
    }

    public IEngineReporter Reporter { get; }

    /// <summary>Write one result; safe from any thread.</summary>
    public Action<object> Emit { get; }

    /// <summary>"Could not run the test" for one input; the command goes on and exits 2 at the end.</summary>
    public Action<MailFlowException> EmitError { get; }

    public TextReader StandardInput { get; }

    public bool StandardInputRedirected { get; }

    /// <summary>
    /// The names piped on standard input, one per line: the CLI's pipeline input. Blank lines and comments are
    /// skipped so a list file can be piped as it is. <paramref name="usage"/> is the error when nothing is piped.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadInputLinesAsync(string usage, CancellationToken cancellationToken)
    {
        if (!StandardInputRedirected)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, usage);
        }

        var lines = new List<string>();
        string? line;
        while ((line = await StandardInput.ReadLineAsync(cancellationToken)) is not null)
        {
            var text = line.Trim();
            if (text.Length > 0 && text[0] != '#')
            {
                lines.Add(text);
            }
        }

        return lines;
    }
}
