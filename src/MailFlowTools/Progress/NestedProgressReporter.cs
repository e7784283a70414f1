using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Progress;

/// <summary>
/// Gives one engine run its own progress bar under a parent bar: whatever activity id and title the engine uses,
/// its records go out as <see cref="ActivityId"/> with <see cref="ParentActivityId"/> and one activity title.
/// Engines that run side by side under one cmdlet would otherwise share an id and overwrite each other's bar.
/// </summary>
internal sealed class NestedProgressReporter : IEngineReporter
{
    private readonly AsyncCmdlet _owner;
    private readonly IEngineReporter _host;
    private readonly string _activity;

    public NestedProgressReporter(AsyncCmdlet owner, IEngineReporter host, string activity, int activityId, int parentActivityId)
    {
        _owner = owner;
        _host = host;
        _activity = activity;
        ActivityId = activityId;
        ParentActivityId = parentActivityId;
    }

    public int ActivityId { get; }

    public int ParentActivityId { get; }

    public void Progress(EngineProgress progress) =>
        _owner.WriteProgressFromAnyThread(new EngineProgress(ActivityId, _activity, progress.Status, progress.PercentComplete, progress.Completed), ActivityId, ParentActivityId);

    /// <summary>Closes the bar even when the engine ended without saying so (an error, a stop, no targets).</summary>
    public void Complete() =>
        _owner.WriteProgressFromAnyThread(new EngineProgress(ActivityId, _activity, "done", 100, completed: true), ActivityId, ParentActivityId);

    public void Transcript(TranscriptEntry entry) => _host.Transcript(entry);

    public void Warning(string message) => _host.Warning(message);

    public void Verbose(string message) => _host.Verbose(message);
}
