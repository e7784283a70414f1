using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Output;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
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
        var json = rest.Remove("--json");
        var verbose = rest.Remove("--verbose") | rest.Remove("-Verbose");
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            Help.WriteVerb(stdout, verb);
            return ExitOk;
        }

        var results = new List<object>();
        var gate = new object();
        var errors = 0;
        var reporter = new ConsoleReporter(stderr, verbose);
        CliContext? context = null;

        // Whatever a verb registers as secret (a password) is masked in every line printed, results included.
        SecretRedactor Secrets() => context?.Secrets ?? SecretRedactor.None;
        void Emit(object result)
        {
            lock (gate)
            {
                results.Add(result);
                if (!json)
                {
                    // Text streams as results arrive so long batches show progress.
                    if (results.Count > 1)
                    {
                        stdout.WriteLine();
                    }

                    var text = new System.IO.StringWriter();
                    TextOutput.Write(text, new[] { result });
                    stdout.Write(Secrets().Scrub(text.ToString()));
                }
            }
        }

        void EmitError(MailFlowException ex)
        {
            lock (gate)
            {
                errors++;
                stderr.WriteLine("mailflow: " + ErrorReport.FormatLine(ex, Secrets()));
            }
        }

        try
        {
            ArgumentBinder.Bind(verb, rest);
            context = new CliContext(reporter, Emit, EmitError, Console.In, Console.IsInputRedirected);
            // On the thread pool: some waits (console input) block synchronously, and Ctrl+C must still win.
            var work = Task.Run(() => verb.RunAsync(context, stopToken), CancellationToken.None);

            // Ctrl+C returns at once, even if a probe has not yet noticed the cancellation.
            var stopped = Task.Delay(Timeout.Infinite, stopToken);
            if (await Task.WhenAny(work, stopped) == stopped)
            {
                stderr.WriteLine("mailflow: interrupted.");
                return ExitInterrupted;
            }

            await work;
        }
        catch (MailFlowException ex)
        {
            stderr.WriteLine("mailflow: " + ErrorReport.FormatLine(ex, Secrets()));
            return ExitCouldNotRun;
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
            stderr.WriteLine("mailflow: interrupted.");
            return ExitInterrupted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug, not a user error: one masked line (the stack with --verbose), never the runtime's unmasked dump.
            stderr.WriteLine($"mailflow: {ErrorIds.UnexpectedError}: {ex.GetType().Name}: {Secrets().Scrub(ex.Message)}");
            if (verbose)
            {
                stderr.WriteLine(Secrets().Scrub(ex.ToString()));
            }

            return ExitCouldNotRun;
        }

        lock (gate)
        {
            if (json)
            {
                var text = new System.IO.StringWriter();
                JsonOutput.Write(text, results);
                stdout.Write(Secrets().Scrub(text.ToString()));
            }

            if (errors > 0)
            {
                return ExitCouldNotRun;
            }

            var problem = results.OfType<IHasFindings>().Any(r => r.Findings.Any(f => f.IsProblem));
            return problem ? ExitProblemFound : ExitOk;
        }
    }
}
