using System.Collections.Concurrent;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Tests.MxPath;

/// <summary>Keeps what an engine reports, for assertions.</summary>
internal sealed class RecordingReporter : IEngineReporter
{
    public ConcurrentQueue<EngineProgress> Progresses { get; } = new();

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<string> Verboses { get; } = new();

    public ConcurrentQueue<TranscriptEntry> Transcripts { get; } = new();

    public void Progress(EngineProgress progress) => Progresses.Enqueue(progress);

    public void Transcript(TranscriptEntry entry) => Transcripts.Enqueue(entry);

    public void Warning(string message) => Warnings.Enqueue(message);

    public void Verbose(string message) => Verboses.Enqueue(message);
}
