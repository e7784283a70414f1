using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The domain's TLS policies and what the three kinds of sender would do with them today.</summary>
public sealed class TlsPolicyResult
{
    public MtaStsResult MtaSts { get; init; } = new();

    /// <summary>One TLSA lookup per MX host.</summary>
    public ReadableList<DaneTlsaResult> Dane { get; init; } = Readable.List<DaneTlsaResult>(null);

    public SenderVerdict MtaStsSender { get; init; } = new();

    public SenderVerdict DaneSender { get; init; } = new();

    public SenderVerdict PlainSender { get; init; } = new();

    /// <summary>The resolver asked for TXT and TLSA (its AD bit is what DANE trusts).</summary>
    public string? Resolver { get; init; }

    public override string ToString() =>
        "MTA-STS sender " + (MtaStsSender.Delivers ? "delivers" : "does not deliver") + "; DANE sender " + (DaneSender.Delivers ? "delivers" : "does not deliver") + "; plain sender " + (PlainSender.Delivers ? "delivers" : "does not deliver");
}
