namespace MailFlowTools.Core.MxPath;

/// <summary>One failed DNS lookup of the MX walk: the question, what went wrong and who was asked.</summary>
public sealed class MxDnsError
{
    /// <summary>The name asked for.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>MX, A, AAAA or CNAME.</summary>
    public string RecordType { get; init; } = string.Empty;

    public MxDnsErrorKind Kind { get; init; }

    /// <summary>The resolver's words, e.g. "SERVFAIL from 198.51.100.56" or "no answer in 5 s (UDP and TCP)".</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>The server that was asked, when known.</summary>
    public string? Server { get; init; }

    /// <summary>The size of the (truncated or failed) answer in bytes, when one arrived.</summary>
    public int? ResponseBytes { get; init; }

    public double ElapsedMs { get; init; }

    public override string ToString() => $"{Name} {RecordType}: {Kind} ({Message})";
}
