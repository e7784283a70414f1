namespace MailFlowTools.Core.PathMtu;

/// <summary>What the sweep learned about one payload size.</summary>
public enum SweepOutcome
{
    /// <summary>Every attempt that ran got all its replies.</summary>
    Passed,

    /// <summary>Every attempt that ran lost replies: this size does not get through.</summary>
    Lost,

    /// <summary>Some attempts passed, some lost replies: random loss, not tied to the size.</summary>
    Intermittent,

    /// <summary>No attempt measured the size (a server limit ended the sessions, or none could start): never a pass.</summary>
    Inconclusive,
}
