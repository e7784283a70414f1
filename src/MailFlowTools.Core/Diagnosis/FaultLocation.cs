namespace MailFlowTools.Core.Diagnosis;

/// <summary>Where the fault probably sits, as far as the evidence allows.</summary>
public enum FaultLocation
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
