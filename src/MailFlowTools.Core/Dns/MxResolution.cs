using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// The mail hosts of a domain per RFC 5321 §5.1, ready for a sender to walk: sorted by preference, equal
/// preferences shuffled, each with its addresses. Failures stay distinct: an NXDOMAIN or SERVFAIL is an
/// <see cref="Error"/> with <see cref="MxSource.LookupFailed"/>, never "no MX".
/// </summary>
public sealed class MxResolution
{
    /// <summary>The domain asked for (ASCII, lower case).</summary>
    public string Domain { get; init; } = string.Empty;

    /// <summary>The name whose MX records were used: the end of a CNAME chain on the domain, else the domain.</summary>
    public string CanonicalName { get; init; } = string.Empty;

    public IReadOnlyList<string> CnameChain { get; init; } = Array.Empty<string>();

    public MxSource Source { get; init; }

    public IReadOnlyList<MxTarget> Targets { get; init; } = Array.Empty<MxTarget>();

    public DnsLookupError Error { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Wire size of the MX answer, which decides whether it survives UDP (see Test-EdnsReachability).</summary>
    public int AnswerSize { get; init; }

    /// <summary>Transport of the MX answer; Tcp when the UDP answer was truncated.</summary>
    public DnsTransport Transport { get; init; }

    /// <summary>The server that answered the MX query.</summary>
    public string? Server { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>Anomalies worth telling, such as a null MX published next to other MX records.</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
}
