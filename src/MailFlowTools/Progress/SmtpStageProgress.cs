using System.Globalization;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Progress;

/// <summary>One progress bar for one SMTP session: the target as the activity, the stage reached as the status.</summary>
internal sealed class SmtpStageProgress
{
    private readonly IEngineReporter _reporter;
    private readonly int _activityId;
    private readonly string _activity;
    private string _status = "Connect";

    public SmtpStageProgress(IEngineReporter reporter, int activityId, string computerName, int port)
    {
        _reporter = reporter;
        _activityId = activityId;
        _activity = Activity(computerName, port);
    }

    public static string Activity(string computerName, int port) =>
        string.Format(CultureInfo.InvariantCulture, "Get-SmtpStageTiming {0} port {1}", computerName, port);

    public void Start() => _reporter.Progress(new EngineProgress(_activityId, _activity, _status));

    /// <summary>A stage ended: the status names it and its outcome.</summary>
    public void Stage(SmtpStageResult result)
    {
        _status = result.Stage + ": " + result.Outcome;
        _reporter.Progress(new EngineProgress(_activityId, _activity, _status));
    }

    public void Complete() => _reporter.Progress(new EngineProgress(_activityId, _activity, _status, 100, completed: true));
}
