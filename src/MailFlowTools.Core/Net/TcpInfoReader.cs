using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MailFlowTools.Core.Net;

/// <summary>
/// Reads TCP statistics from a connected socket without a packet capture: Linux getsockopt(TCP_INFO),
/// Windows WSAIoctl(SIO_TCP_INFO, v0). Never throws: anything unsupported gives <see cref="TcpInfoSnapshot.Unavailable"/>.
/// </summary>
public static class TcpInfoReader
{
    // _WSAIORW(IOC_VENDOR, 39)
    private const int SioTcpInfo = unchecked((int)0xD8000027);

    private static readonly bool IsLinux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
    private static readonly bool IsWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    public static bool IsSupported => IsLinux || IsWindows;

    public static TcpInfoSnapshot Read(Socket? socket)
    {
        if (socket is null)
        {
            return TcpInfoSnapshot.Unavailable;
        }

        try
        {
            if (IsLinux)
            {
                return ReadLinux(socket);
            }

            if (IsWindows)
            {
                return ReadWindows(socket);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException or InvalidOperationException)
        {
            // A closed or unsupported socket simply has no statistics.
        }

        return TcpInfoSnapshot.Unavailable;
    }

    private static double Now() => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;

    private static TcpInfoSnapshot ReadLinux(Socket socket)
    {
        var buffer = new byte[256];
#if NET8_0_OR_GREATER
        var length = socket.GetRawSocketOption(LinuxTcp.IpprotoTcp, LinuxTcp.TcpInfo, buffer);
#else
        var length = LinuxTcp.Get(socket.Handle, LinuxTcp.IpprotoTcp, LinuxTcp.TcpInfo, buffer);
        if (length < 0)
        {
            return TcpInfoSnapshot.Unavailable;
        }
#endif
        return ParseLinux(buffer, length, Now());
    }

    /// <summary>
    /// Decodes struct tcp_info (include/uapi/linux/tcp.h). Fields past <paramref name="length"/> came from a newer
    /// kernel than the one running and are left null.
    /// </summary>
    internal static TcpInfoSnapshot ParseLinux(byte[] b, int length, double timestampMs)
    {
        if (length < 104)
        {
            return TcpInfoSnapshot.Unavailable;
        }

        uint U32(int offset) => BitConverter.ToUInt32(b, offset);
        long? U64(int offset) => length >= offset + 8 ? (long)BitConverter.ToUInt64(b, offset) : null;
        long? U32Opt(int offset) => length >= offset + 4 ? U32(offset) : null;

        return new TcpInfoSnapshot
        {
            IsAvailable = true,
            Source = "linux-tcp_info",
            TimestampMs = timestampMs,
            State = b[0],
            Retransmits = b[2],
            Backoff = b[4],
            Options = b[5],
            RetransmitTimeoutMicroseconds = U32(8),
            SendMss = (int)U32(16),
            UnackedSegments = U32(24),
            LastAckReceivedMsAgo = U32(56),
            PathMtu = (int)U32(60),
            RttMicroseconds = U32(68),
            RttVarianceMicroseconds = U32(72),
            CongestionWindow = U32(80),
            TotalRetransmits = U32(100),
            BytesAcked = U64(120),
            BytesReceived = U64(128),
            NotSentBytes = U32Opt(144),
            DataSegmentsIn = U32Opt(152),
            DataSegmentsOut = U32Opt(156),
            BytesSent = U64(200),
            BytesRetransmitted = U64(208),
        };
    }

    private static TcpInfoSnapshot ReadWindows(Socket socket)
    {
        var input = BitConverter.GetBytes(0); // TCP_INFO_v0
        var output = new byte[88];
        var length = socket.IOControl(SioTcpInfo, input, output);
        if (length < 88)
        {
            return TcpInfoSnapshot.Unavailable;
        }

        var bytesOut = (long)BitConverter.ToUInt64(output, 48);
        var inFlight = BitConverter.ToUInt32(output, 28);
        var fastRetrans = BitConverter.ToUInt32(output, 72);
        var timeouts = BitConverter.ToUInt32(output, 80);
        return new TcpInfoSnapshot
        {
            IsAvailable = true,
            Source = "windows-sio_tcp_info",
            TimestampMs = Now(),
            State = BitConverter.ToInt32(output, 0),
            SendMss = (int)BitConverter.ToUInt32(output, 4),
            RttMicroseconds = BitConverter.ToUInt32(output, 20),
            CongestionWindow = BitConverter.ToUInt32(output, 32),
            BytesSent = bytesOut,
            BytesReceived = (long)BitConverter.ToUInt64(output, 56),
            BytesRetransmitted = BitConverter.ToUInt32(output, 68),
            BytesAcked = bytesOut - inFlight,
            TotalRetransmits = fastRetrans + timeouts,
            Retransmits = (int)Math.Min(int.MaxValue, timeouts),
        };
    }
}
