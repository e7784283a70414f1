using System.Collections.Concurrent;
using System.Linq;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Tests.Smtp;

/// <summary>Keeps everything an engine reports, for assertions.</summary>
internal sealed class RecordingReporter : IEngineReporter
{
    public ConcurrentQueue<TranscriptEntry> Transcript { get; } = new();

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<string> VerboseLines { get; } = new();

    public void Progress(EngineProgress progress)
    {
    }

    void IEngineReporter.Transcript(TranscriptEntry entry) => Transcript.Enqueue(entry);

    public void Warning(string message) => Warnings.Enqueue(message);

    public void Verbose(string message) => VerboseLines.Enqueue(message);

    public string AllText() => string.Join("\n", Transcript.Select(t => t.ToString()).Concat(Warnings).Concat(VerboseLines));
}
