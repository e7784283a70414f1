using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>The outcome of asking a resolver for one name and type, after TCP fallback, failover and CNAMEs.</summary>
public sealed class DnsLookup
{
    public string Name { get; init; } = string.Empty;

    public DnsRecordType Type { get; init; }

    public DnsLookupError Error { get; init; }

    /// <summary>RCODE of the last response, or null when none arrived.</summary>
    public DnsResponseCode? ResponseCode { get; init; }

    /// <summary>The final response (the one that ended the CNAME chain).</summary>
    public DnsMessage? Response { get; init; }

    /// <summary>The server that gave <see cref="Response"/>.</summary>
    public IPEndPoint? Server { get; init; }

    public DnsTransport Transport { get; init; }

    /// <summary>True when a UDP answer came back truncated and the query was repeated over TCP.</summary>
    public bool FellBackToTcp { get; init; }

    /// <summary>Wire size of <see cref="Response"/>.</summary>
    public int ResponseSize { get; init; }

    /// <summary>Total time for the lookup, including retries and CNAME re-queries.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>The records of the requested type owned by <see cref="CanonicalName"/>.</summary>
    public IReadOnlyList<DnsRecord> Records { get; init; } = Array.Empty<DnsRecord>();

    /// <summary>Names the query went through, the query name first; one entry when there was no CNAME.</summary>
    public IReadOnlyList<string> CnameChain { get; init; } = Array.Empty<string>();

    public string CanonicalName => CnameChain.Count > 0 ? CnameChain[CnameChain.Count - 1] : Name;

    public bool IsCname => CnameChain.Count > 1;

    /// <summary>Text for evidence when <see cref="Error"/> is set.</summary>
    public string? ErrorMessage { get; init; }

    public IEnumerable<T> Data<T>() where T : DnsRecordData => Records.Select(r => r.Data).OfType<T>();
}
