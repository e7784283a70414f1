using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Progress;

/// <summary>
/// Gives one engine run its own progress bar under a parent bar: whatever activity id the engine uses, its
/// records go out as <see cref="ActivityId"/> with <see cref="ParentActivityId"/>. Engines that run side by side
/// under one cmdlet would otherwise share an id and overwrite each other's bar.
/// </summary>
internal sealed class NestedProgressReporter : IEngineReporter
{
    private readonly AsyncCmdlet _owner;
    private readonly IEngineReporter _host;
    private string _lastActivity = string.Empty;

    public NestedProgressReporter(AsyncCmdlet owner, IEngineReporter host, int activityId, int parentActivityId)
    {
        _owner = owner;
        _host = host;
        ActivityId = activityId;
        ParentActivityId = parentActivityId;
    }

    public int ActivityId { get; }

    public int ParentActivityId { get; }

    public void Progress(EngineProgress progress)
    {
        _lastActivity = progress.Activity;
        _owner.WriteProgressFromAnyThread(progress, ActivityId, ParentActivityId);
    }

    /// <summary>Closes the bar even when the engine ended without saying so (an error, a stop, no targets).</summary>
    public void Complete(string fallbackActivity)
    {
        var activity = _lastActivity.Length > 0 ? _lastActivity : fallbackActivity;
        _owner.WriteProgressFromAnyThread(new EngineProgress(ActivityId, activity, "done", 100, completed: true), ActivityId, ParentActivityId);
    }

    public void Transcript(TranscriptEntry entry) => _host.Transcript(entry);

    public void Warning(string message) => _host.Warning(message);

    public void Verbose(string message) => _host.Verbose(message);
}
