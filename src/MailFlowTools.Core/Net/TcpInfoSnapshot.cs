namespace MailFlowTools.Core.Net;

/// <summary>
/// One reading of the kernel's per-connection TCP state (Linux TCP_INFO, Windows SIO_TCP_INFO).
/// Fields the platform or kernel does not provide are null. Byte counters are totals for the connection.
/// </summary>
public sealed class TcpInfoSnapshot
{
    public static readonly TcpInfoSnapshot Unavailable = new() { IsAvailable = false, Source = "unavailable" };

    /// <summary>False when the OS gives no TCP statistics; every other field is then null.</summary>
    public bool IsAvailable { get; init; }

    /// <summary>"linux-tcp_info", "windows-sio_tcp_info" or "unavailable".</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Monotonic time of the reading (Stopwatch ticks converted to milliseconds).</summary>
    public double TimestampMs { get; init; }

    /// <summary>Kernel TCP state number (1 = ESTABLISHED on Linux).</summary>
    public int? State { get; init; }

    /// <summary>Consecutive retransmissions of the same segment that are under way now (back-off count).</summary>
    public int? Retransmits { get; init; }

    /// <summary>Exponential back-off count of the retransmission timer.</summary>
    public int? Backoff { get; init; }

    /// <summary>Segments sent but not yet acknowledged.</summary>
    public long? UnackedSegments { get; init; }

    /// <summary>Segments retransmitted over the connection's life.</summary>
    public long? TotalRetransmits { get; init; }

    /// <summary>Smoothed round-trip time in microseconds.</summary>
    public long? RttMicroseconds { get; init; }

    public long? RttVarianceMicroseconds { get; init; }

    public long? RetransmitTimeoutMicroseconds { get; init; }

    /// <summary>Maximum segment size we send.</summary>
    public int? SendMss { get; init; }

    /// <summary>Path MTU the kernel currently assumes.</summary>
    public int? PathMtu { get; init; }

    public long? CongestionWindow { get; init; }

    /// <summary>Stream bytes acknowledged by the peer (Linux ≥ 4.1; on Windows BytesOut − BytesInFlight).</summary>
    public long? BytesAcked { get; init; }

    /// <summary>Stream bytes sent including retransmissions (Linux ≥ 4.19, Windows).</summary>
    public long? BytesSent { get; init; }

    /// <summary>Bytes retransmitted (Linux ≥ 4.19, Windows).</summary>
    public long? BytesRetransmitted { get; init; }

    public long? BytesReceived { get; init; }

    /// <summary>Bytes written by the application that the kernel has not sent yet (Linux ≥ 4.6).</summary>
    public long? NotSentBytes { get; init; }

    /// <summary>Segments carrying data received and sent (Linux ≥ 4.6).</summary>
    public long? DataSegmentsIn { get; init; }

    public long? DataSegmentsOut { get; init; }

    /// <summary>Milliseconds since the last ACK was received (Linux).</summary>
    public long? LastAckReceivedMsAgo { get; init; }

    /// <summary>tcpi_options bits (Linux): 1 timestamps, 2 SACK, 4 window scaling. Timestamps add 12 bytes to every segment.</summary>
    public int? Options { get; init; }
}
