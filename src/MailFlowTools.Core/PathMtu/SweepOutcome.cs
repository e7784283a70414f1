namespace MailFlowTools.Core.PathMtu;

/// <summary>What the sweep learned about one payload size.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum SweepOutcome : long
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
