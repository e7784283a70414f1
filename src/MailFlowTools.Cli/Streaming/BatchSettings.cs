namespace MailFlowTools.Cli.Streaming;

/// <summary>How the CLI runs every batch of targets, whatever the verb: order, --resume, and the counters.</summary>
public sealed class BatchSettings
{
    /// <summary>--ordered: results in input order (bounded hold-back); otherwise completion order.</summary>
    public bool Ordered { get; init; }

    /// <summary>--resume: names to skip.</summary>
    public ResumeSet? Resume { get; init; }

    public RunSummary Summary { get; init; } = new();
}
