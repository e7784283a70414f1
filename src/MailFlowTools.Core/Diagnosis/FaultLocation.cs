namespace MailFlowTools.Core.Diagnosis;

/// <summary>Where the fault probably sits, as far as the evidence allows.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum FaultLocation : long
{
    /// <summary>No fault found.</summary>
    None,

    /// <summary>On the sender's side: its own network, firewall or resolver.</summary>
    LocalNetwork,

    /// <summary>Between the sender and the destination: routers, firewalls, load balancers, middleboxes.</summary>
    Path,

    /// <summary>The destination itself: its DNS data, its MX hosts or their configuration.</summary>
    RemoteHost,

    /// <summary>The evidence does not say.</summary>
    Unknown,
}
