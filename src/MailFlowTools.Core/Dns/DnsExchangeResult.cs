using System.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>One query and what came back: the response (if any), sizes, time and what was ignored on the way.</summary>
public sealed class DnsExchangeResult
{
    public DnsExchangeStatus Status { get; init; }

    public DnsTransport Transport { get; init; }

    public IPEndPoint Server { get; init; } = new(IPAddress.None, 53);

    public DnsMessage Query { get; init; } = new();

    public DnsMessage? Response { get; init; }

    /// <summary>The response bytes exactly as received (for capture and size analysis).</summary>
    public byte[]? ResponseBytes { get; init; }

    public int QuerySize { get; init; }

    /// <summary>Wire size of the matched response (without the TCP length prefix); 0 when none.</summary>
    public int ResponseSize { get; init; }

    /// <summary>Send to matched response, or to the end of the wait.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>Replies ignored because the ID, question or source address did not match.</summary>
    public int MismatchedCount { get; init; }

    /// <summary>Replies ignored because they could not be parsed.</summary>
    public int MalformedCount { get; init; }

    /// <summary>Why there is no response (socket error, parse error), for evidence.</summary>
    public string? Error { get; init; }

    public bool HasResponse => Status == DnsExchangeStatus.Response && Response is not null;

    public override string ToString() => $"{Transport} {Server} {Status} {ResponseSize}B {ElapsedMs:0.0}ms";
}
