using System.IO;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli.Output;

/// <summary>The CLI's engine reporter: warnings always go to stderr; verbose, transcript and progress only with --verbose.</summary>
public sealed class ConsoleReporter : IEngineReporter
{
    private readonly TextWriter _error;
    private readonly bool _verbose;
    private readonly object _gate = new();

    public ConsoleReporter(TextWriter error, bool verbose)
    {
        _error = error;
        _verbose = verbose;
    }

    public void Progress(EngineProgress progress)
    {
        if (_verbose && !progress.Completed)
        {
            Write("PROGRESS: " + progress.Activity + (progress.Status.Length > 0 ? ": " + progress.Status : string.Empty));
        }
    }

    public void Transcript(TranscriptEntry entry)
    {
        if (_verbose)
        {
            Write("VERBOSE: " + entry);
        }
    }

    public void Warning(string message) => Write("WARNING: " + message);

    public void Verbose(string message)
    {
        if (_verbose)
        {
            Write("VERBOSE: " + message);
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            _error.WriteLine(line);
        }
    }
}
