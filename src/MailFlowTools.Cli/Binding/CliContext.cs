using System;
using System.Collections.Generic;
using System.IO;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli.Binding;

/// <summary>What a verb can do while it runs: the CLI's counterpart of the cmdlet base's Emit and EmitError.</summary>
public sealed class CliContext
{
    public CliContext(IEngineReporter reporter, Action<object> emit, Action<MailFlowException> emitError, TextReader standardInput, bool standardInputRedirected, BatchSettings? batch = null)
    {
        Batch = batch ?? new BatchSettings();
        // Masks whatever secrets the verb registers in Secrets, even after the reporter was handed to an engine.
        Reporter = new RedactingReporter(reporter, () => Secrets);
        Emit = emit;
        EmitError = emitError;
        StandardInput = standardInput;
        StandardInputRedirected = standardInputRedirected;
    }

    public IEngineReporter Reporter { get; }

    /// <summary>Set by a verb that holds a secret (a password): the CLI masks it in everything it prints.</summary>
    public SecretRedactor Secrets { get; set; } = SecretRedactor.None;

    /// <summary>Write one result; safe from any thread.</summary>
    public Action<object> Emit { get; }

    /// <summary>"Could not run the test" for one input; the command goes on and exits 2 at the end.</summary>
    public Action<MailFlowException> EmitError { get; }

    public TextReader StandardInput { get; }

    /// <summary>Prepares the output for results of this type ahead of the first (the JSON metadata, in the background).</summary>
    public Action<Type> PrepareOutput { get; init; } = _ => { };

    public bool StandardInputRedirected { get; }

    /// <summary>Order, --resume and the counters for the batch this run's targets go through.</summary>
    public BatchSettings Batch { get; }

    /// <summary>
    /// The names piped on standard input, one per line, as they arrive: the CLI's pipeline input. Blank lines and
    /// comments are skipped so a list file can be piped as it is. <paramref name="usage"/> is the error (thrown
    /// now) when nothing is piped.
    /// </summary>
    public IAsyncEnumerable<string> InputLines(string usage)
    {
        if (!StandardInputRedirected)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, usage);
        }

        return TargetSources.Lines(StandardInput);
    }
}
