namespace MailFlowTools.Core.Reporting;

/// <summary>Discards everything; for callers that only want the result.</summary>
public sealed class NullEngineReporter : IEngineReporter
{
    public static readonly NullEngineReporter Instance = new();

    private NullEngineReporter()
    {
    }

    public void Progress(EngineProgress progress)
    {
    }

    public void Transcript(TranscriptEntry entry)
    {
    }

    public void Warning(string message)
    {
    }

    public void Verbose(string message)
    {
    }
}
