using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>A domain's MTA-STS record and policy as a sender discovers them (RFC 8461 §3).</summary>
public sealed class MtaStsResult
{
    public MtaStsStatus Status { get; init; }

    /// <summary>The mode a sender applies: the policy's, or NoPolicy when there is none it can use.</summary>
    public MtaStsMode Mode { get; init; }

    public string? RecordId { get; init; }

    public string? RecordText { get; init; }

    public string? PolicyUrl { get; init; }

    public int? HttpStatus { get; init; }

    public ReadableList<string> Mx { get; init; } = Readable.List<string>(null);

    public long? MaxAgeSeconds { get; init; }

    /// <summary>What went wrong, in plain words; null when the policy is valid or not published.</summary>
    public string? Problem { get; init; }

    /// <summary>The RFC 8460 result type for a discovery failure (sts-policy-fetch-error, sts-policy-invalid, sts-webpki-invalid).</summary>
    public TlsResultType? ResultType { get; init; }

    public double ElapsedMs { get; init; }

    public override string ToString() => Status == MtaStsStatus.Valid ? "MTA-STS " + Mode + " (id " + RecordId + ")" : "MTA-STS " + Status;
}
