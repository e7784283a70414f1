using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Output;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli;

/// <summary>
/// mailflow &lt;Cmdlet-Name&gt; [positional] [--kebab-case-parameter value]… [--json]
/// Exit 0: ran, no problem found. 1: ran, found a Warning or Error. 2: could not run. 130: interrupted.
/// </summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitProblemFound = 1;
    public const int ExitCouldNotRun = 2;
    public const int ExitInterrupted = 130;

    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });
        // Before any TLS: a verb that judges certificates gets the indexed system trust (a process-wide switch, so
        // here and not in RunAsync, which tests call in their own process).
        if (args.Length > 0 && VerbRegistry.TryCreate(args[0], out var verb) && verb.JudgesCertificates)
        {
            MailFlowTools.Core.TlsPolicy.PlatformTrust.UseIndexedSystemTrust();
        }

        try
        {
            return await RunAsync(args, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken stopToken)
    {
        var stdout = Console.Out;
        var stderr = Console.Error;
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help" or "-?")
        {
            Help.WriteOverview(stdout);
            return args.Length == 0 ? ExitCouldNotRun : ExitOk;
        }

        if (args[0] == "--version")
        {
            stdout.WriteLine(typeof(Program).Assembly.GetName().Version?.ToString(3));
            return ExitOk;
        }

        if (!VerbRegistry.TryCreate(args[0], out var verb))
        {
            stderr.WriteLine($"mailflow: {ErrorIds.UnknownCommand}: unknown command '{args[0]}'. Commands: {string.Join(", ", VerbRegistry.Names)}.");
            return ExitCouldNotRun;
        }

        var rest = args.Skip(1).ToList();
        var verbose = rest.Remove("--verbose") | rest.Remove("-Verbose");
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            Help.WriteVerb(stdout, verb);
            return ExitOk;
        }

        var gate = new object();
        var reporter = new ConsoleReporter(stderr, verbose);
        CliContext? context = null;
        ResultStreamWriter? writer = null;
        var summary = new RunSummary();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopToken);
        var outputGone = false;

        // Whatever a verb registers as secret (a password) is masked in every line printed, results included.
        SecretRedactor Secrets() => context?.Secrets ?? SecretRedactor.None;
        void Emit(object result)
        {
            // Straight to standard output: nothing here keeps a result, so a long batch runs in flat memory.
            summary.Result(result);
            writer!.Write(result);
        }

        void EmitError(MailFlowException ex)
        {
            summary.Error();
            lock (gate)
            {
                stderr.WriteLine("mailflow: " + ErrorReport.FormatLine(ex, Secrets()));
            }
        }

        void WriteSummary()
        {
            // Only for batches: a single target's stderr stays exactly its error line, if any.
            if (summary.Read > 1 || summary.Skipped > 0)
            {
                lock (gate)
                {
                    stderr.WriteLine(summary.Format());
                }
            }
        }

        int Interrupted()
        {
            writer?.Close();
            lock (gate)
            {
                stderr.WriteLine(outputGone ? "mailflow: interrupted: standard output was closed." : "mailflow: interrupted.");
            }

            WriteSummary();
            return ExitInterrupted;
        }

        try
        {
            var switches = StreamSwitches.Extract(rest);
            ArgumentBinder.Bind(verb, rest);
            var resume = switches.ResumePath is null ? null : LoadResume(verb, switches.ResumePath, reporter);
            writer = new ResultStreamWriter(Console.OpenStandardOutput(), switches.Mode, Secrets, () =>
            {
                outputGone = true;
                run.Cancel();
            });
            var batch = new BatchSettings { Ordered = switches.Ordered, Resume = resume, Summary = summary };
            context = new CliContext(reporter, Emit, EmitError, Console.In, Console.IsInputRedirected, batch) { PrepareOutput = writer.Prepare };

            // On the thread pool: some waits (console input) block synchronously, and Ctrl+C must still win.
            var work = Task.Run(() => verb.RunAsync(context, run.Token), CancellationToken.None);

            // Ctrl+C returns at once, even if a probe has not yet noticed the cancellation.
            var stopped = Task.Delay(Timeout.Infinite, run.Token);
            if (await Task.WhenAny(work, stopped) == stopped)
            {
                return Interrupted();
            }

            await work;
        }
        catch (MailFlowException ex)
        {
            writer?.Close();
            stderr.WriteLine("mailflow: " + ErrorReport.FormatLine(ex, Secrets()));
            return ExitCouldNotRun;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            return Interrupted();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            writer?.Close();

            // A bug, not a user error: one masked line (the stack with --verbose), never the runtime's unmasked dump.
            stderr.WriteLine($"mailflow: {ErrorIds.UnexpectedError}: {ex.GetType().Name}: {Secrets().Scrub(ex.Message)}");
            if (verbose)
            {
                stderr.WriteLine(Secrets().Scrub(ex.ToString()));
            }

            return ExitCouldNotRun;
        }

        writer.Close();
        WriteSummary();
        if (summary.Errors > 0)
        {
            return ExitCouldNotRun;
        }

        return writer.ProblemFound ? ExitProblemFound : ExitOk;
    }

    private static ResumeSet LoadResume(CliVerb verb, string path, ConsoleReporter reporter)
    {
        var property = verb.ResumeProperty
            ?? throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, $"--resume does not apply to {ArgumentBinder.VerbName(verb)}: its inputs are not names.");
        var resume = ResumeSet.Load(path, property);
        reporter.Verbose($"--resume: {resume.Count} names already in '{path}' ({property}); {resume.Unreadable} lines without one.");
        return resume;
    }
}
