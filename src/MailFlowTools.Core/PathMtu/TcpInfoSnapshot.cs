using System;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// The fields of Linux "struct tcp_info" (getsockopt IPPROTO_TCP, TCP_INFO) that tell whether data was
/// acknowledged and what segment size and path MTU the connection uses. Offsets from linux/tcp.h.
/// </summary>
internal sealed class TcpInfoSnapshot
{
    /// <summary>Bytes up to tcpi_bytes_acked; older kernels return less and are not used.</summary>
    public const int MinimumLength = 128;

    private const int TimestampsOption = 1;

    public byte State { get; init; }

    /// <summary>Consecutive retransmission timeouts of the oldest unacknowledged segment (icsk_retransmits).</summary>
    public byte Retransmits { get; init; }

    public byte Backoff { get; init; }

    public byte Options { get; init; }

    public uint RtoUs { get; init; }

    /// <summary>Payload bytes per full segment (the MSS minus TCP options in use).</summary>
    public uint SendMss { get; init; }

    public uint Unacked { get; init; }

    public uint Lost { get; init; }

    public uint Retrans { get; init; }

    /// <summary>The path MTU the connection is using.</summary>
    public uint Pmtu { get; init; }

    public uint RttUs { get; init; }

    public uint AdvertisedMss { get; init; }

    public uint TotalRetrans { get; init; }

    public ulong BytesAcked { get; init; }

    public uint SegmentsOut { get; init; }

    public bool Timestamps => (Options & TimestampsOption) != 0;

    /// <summary>TCP option bytes carried by every segment (12 with timestamps).</summary>
    public int OptionBytes => Timestamps ? 12 : 0;

    /// <summary>IP packet size of a full segment: payload + TCP header with options + IP header.</summary>
    public int FullSegmentPacketSize(bool ipv6) => (int)SendMss + OptionBytes + 20 + (ipv6 ? 40 : 20);

    public static TcpInfoSnapshot? Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < MinimumLength)
        {
            return null;
        }

        return new TcpInfoSnapshot
        {
            State = data[0],
            Retransmits = data[2],
            Backoff = data[4],
            Options = data[5],
            RtoUs = U32(data, 8),
            SendMss = U32(data, 16),
            Unacked = U32(data, 24),
            Lost = U32(data, 32),
            Retrans = U32(data, 36),
            Pmtu = U32(data, 60),
            RttUs = U32(data, 68),
            AdvertisedMss = U32(data, 84),
            TotalRetrans = U32(data, 100),
            BytesAcked = U64(data, 120),
            SegmentsOut = data.Length >= 140 ? U32(data, 136) : 0,
        };
    }

    // Host byte order: little-endian on every Linux .NET supports.
    private static uint U32(ReadOnlySpan<byte> b, int o) => b[o] | ((uint)b[o + 1] << 8) | ((uint)b[o + 2] << 16) | ((uint)b[o + 3] << 24);

    private static ulong U64(ReadOnlySpan<byte> b, int o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);
}
