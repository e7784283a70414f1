using System;
using System.Collections.Generic;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>One MX host's TLSA lookup (RFC 7672 §2.2), and which resolver vouched for it.</summary>
public sealed class DaneTlsaResult
{
    public string Exchange { get; init; } = string.Empty;

    /// <summary>_25._tcp.&lt;mx&gt;.</summary>
    public string TlsaName { get; init; } = string.Empty;

    public DaneStatus Status { get; init; }

    /// <summary>The records in presentation form ("3 1 1 0C72…").</summary>
    public ReadableList<string> Records { get; init; } = Readable.List<string>(null);

    /// <summary>Records with a usage, selector and matching type SMTP can use (DANE-TA/DANE-EE).</summary>
    public int UsableRecords { get; init; }

    /// <summary>True when the resolver set the AD bit (it validated the answer).</summary>
    public bool Authenticated { get; init; }

    /// <summary>The resolver asked (address), which is what vouches for the AD bit.</summary>
    public string? Resolver { get; init; }

    public int? ResponseBytes { get; init; }

    public string? Transport { get; init; }

    public string? Error { get; init; }

    /// <summary>For a lost lookup: what the domain's own name servers did with the same question over UDP and TCP.</summary>
    public string? EdnsEvidence { get; init; }

    /// <summary>The largest answer size an authoritative server gave over TCP, for a lost lookup.</summary>
    public int? AuthoritativeTcpBytes { get; init; }

    public double ElapsedMs { get; init; }

    internal IReadOnlyList<TlsaRecord> Parsed { get; init; } = Array.Empty<TlsaRecord>();

    public override string ToString() => TlsaName + " " + Status;
}
