using System;

namespace MailFlowTools.Core.Reporting;

/// <summary>Passes everything on to another reporter with every known secret masked.</summary>
public sealed class RedactingReporter : IEngineReporter
{
    private readonly IEngineReporter _inner;
    private readonly Func<SecretRedactor> _secrets;

    /// <param name="secrets">Read on every call, so a host can learn the secrets after the reporter was handed out.</param>
    public RedactingReporter(IEngineReporter inner, Func<SecretRedactor> secrets)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
    }

    /// <summary>The reporter itself when there is nothing to mask.</summary>
    public static IEngineReporter Wrap(IEngineReporter inner, SecretRedactor secrets) =>
        secrets is null || secrets.IsEmpty ? inner : new RedactingReporter(inner, () => secrets);

    public void Progress(EngineProgress progress)
    {
        var s = _secrets();
        _inner.Progress(s.Contains(progress.Activity) || s.Contains(progress.Status)
            ? new EngineProgress(progress.ActivityId, s.Scrub(progress.Activity)!, s.Scrub(progress.Status)!, progress.PercentComplete, progress.Completed)
            : progress);
    }

    public void Transcript(TranscriptEntry entry)
    {
        var s = _secrets();
        _inner.Transcript(s.Contains(entry.Text) ? new TranscriptEntry(entry.Timestamp, entry.Session, entry.Direction, s.Scrub(entry.Text)!) : entry);
    }

    public void Warning(string message) => _inner.Warning(_secrets().Scrub(message)!);

    public void Verbose(string message) => _inner.Verbose(_secrets().Scrub(message)!);
}
