namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>One query sent to one server and what came back.</summary>
public sealed class EdnsProbe
{
    public EdnsProbeKind Kind { get; init; }

    public DnsTransport Transport { get; init; }

    /// <summary>The query carried an OPT record.</summary>
    public bool Edns { get; init; }

    /// <summary>Advertised EDNS UDP buffer; 0 when the query had no EDNS.</summary>
    public int BufferSize { get; init; }

    public bool DnssecOk { get; init; }

    public EdnsProbeOutcome Outcome { get; init; }

    /// <summary>The RCODE name when a response arrived.</summary>
    public string? ResponseCode { get; init; }

    /// <summary>Wire size of the response in bytes; 0 when none arrived.</summary>
    public int ResponseSize { get; init; }

    public double ElapsedMs { get; init; }

    /// <summary>The response carried an OPT record.</summary>
    public bool ResponseHasOpt { get; init; }

    /// <summary>The buffer size the server advertised in its OPT record.</summary>
    public int? ResponderBufferSize { get; init; }

    public int AnswerCount { get; init; }

    /// <summary>Replies ignored because ID, question or source address did not match, or they did not parse.</summary>
    public int IgnoredReplies { get; init; }

    /// <summary>Compliance verdict or error text.</summary>
    public string? Detail { get; init; }

    internal string? Nsid { get; init; }

    internal bool EchoedUnknownOption { get; init; }

    internal bool EchoedUnknownFlag { get; init; }

    internal int? ResponseEdnsVersion { get; init; }

    /// <summary>A response of any kind came back.</summary>
    internal bool Arrived => ResponseSize > 0;

    /// <summary>The buffer the server should respect: the advertised one, or 512 without EDNS (RFC 1035).</summary>
    internal int EffectiveBufferSize => Edns ? System.Math.Max(512, BufferSize) : 512;

    public override string ToString() => $"{Kind} {Transport} {(Edns ? BufferSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : "noedns")} {Outcome} {ResponseSize}B {ElapsedMs:0.0}ms";
}
