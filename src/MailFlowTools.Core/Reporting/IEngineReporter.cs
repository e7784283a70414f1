namespace MailFlowTools.Core.Reporting;

/// <summary>
/// How engines talk to their host while they work. Engines never write to a console or a pipeline;
/// the cmdlet base and the CLI each implement this and decide where the words go.
/// Implementations must be safe to call from any thread.
/// </summary>
public interface IEngineReporter
{
    void Progress(EngineProgress progress);

    /// <summary>A protocol line, already redacted by the engine that produced it.</summary>
    void Transcript(TranscriptEntry entry);

    void Warning(string message);

    void Verbose(string message);
}
