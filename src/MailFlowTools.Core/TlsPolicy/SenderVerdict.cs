namespace MailFlowTools.Core.TlsPolicy;

/// <summary>Would this kind of sender deliver today, through which hop, and what it would log otherwise.</summary>
public sealed class SenderVerdict
{
    public SenderKind Sender { get; init; }

    public bool Delivers { get; init; }

    public string? Exchange { get; init; }

    public string? Address { get; init; }

    /// <summary>The policy this sender applies here, e.g. "MTA-STS enforce (id 2026120601)" or "no DANE (no TLSA)".</summary>
    public string Policy { get; init; } = string.Empty;

    /// <summary>One plain sentence: why it delivers there, or why it does not.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>What the sender's log would say when it does not deliver (e.g. "deferred: TLS is required, but was not offered by host …").</summary>
    public string? SenderStatus { get; init; }

    public override string ToString() => Sender + ": " + (Delivers ? "delivers via " + Exchange + " [" + Address + "]" : "does not deliver");
}
