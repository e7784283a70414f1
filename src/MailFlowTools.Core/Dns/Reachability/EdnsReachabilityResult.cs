using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>Which answers from one server address arrive, at which sizes, over which transports, and why not.</summary>
public sealed class EdnsReachabilityResult : IHasFindings
{
    private IReadOnlyList<Finding> _findings = Readable.List<Finding>(null);

    /// <summary>The server address probed (with ":port" when not 53).</summary>
    public string Server { get; init; } = string.Empty;

    /// <summary>The server's host name when known (from -Server or the zone's NS records).</summary>
    public string? ServerName { get; init; }

    public string Name { get; init; } = string.Empty;

    public DnsRecordType Type { get; init; }

    public ReadableList<EdnsProbe> Probes { get; init; } = Readable.List<EdnsProbe>(null);

    /// <summary>The largest response, in bytes, that arrived over UDP.</summary>
    public int LargestUdpAnswer { get; init; }

    /// <summary>
    /// Upper bound of the smallest UDP answer that never arrived: the smallest lost probe's advertised buffer,
    /// capped by the full answer size seen over TCP. Null when no UDP answer was lost.
    /// </summary>
    public int? SmallestLostUdpAnswer { get; init; }

    /// <summary>The largest advertised buffer whose UDP answer arrived.</summary>
    public int? LargestWorkingBufferSize { get; init; }

    /// <summary>The smallest advertised buffer whose UDP answer was lost.</summary>
    public int? SmallestLostBufferSize { get; init; }

    /// <summary>Size of the untruncated answer, from TCP.</summary>
    public int? FullAnswerSize { get; init; }

    /// <summary>TCP/53 answered; null when TCP was not tested.</summary>
    public bool? TcpWorks { get; init; }

    /// <summary>The server answered EDNS queries with an OPT record; null when no EDNS answer arrived.</summary>
    public bool? EdnsSupported { get; init; }

    /// <summary>The EDNS buffer a resolver should advertise to this server over this path.</summary>
    public int RecommendedBufferSize { get; init; }

    /// <summary>The server's NSID, when it sent one.</summary>
    public string? Nsid { get; init; }

    public double ElapsedMs { get; init; }

    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = Readable.List(value); }

    public override string ToString() => $"{Server} {Name} {Type}: largest UDP answer {LargestUdpAnswer.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes";
}
