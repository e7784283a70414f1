using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Net;

/// <summary>Socket options the probes set before connecting: a chosen MSS and Nagle off.</summary>
public static class TcpSocketOptions
{
    /// <summary>True where TCP_MAXSEG can be set before connect (Linux, macOS and other Unix).</summary>
    public static bool CanSetMaxSegment => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>
    /// Sets TCP_MAXSEG on an unconnected socket so the SYN advertises, and the connection uses, at most
    /// <paramref name="mss"/> bytes per segment. Throws <see cref="ErrorIds.SocketOptionUnsupported"/> where the OS refuses.
    /// </summary>
    public static void SetMaxSegment(Socket socket, int mss)
    {
        if (mss < 88 || mss > 65495)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"A segment size of {mss} is outside 88..65495 bytes.", mss);
        }

        if (!CanSetMaxSegment)
        {
            throw new MailFlowException(ErrorIds.SocketOptionUnsupported, MailFlowErrorCategory.NotInstalled, "This operating system does not let a program choose the TCP maximum segment size (TCP_MAXSEG).", mss);
        }

        try
        {
#if NET8_0_OR_GREATER
            socket.SetRawSocketOption(LinuxTcp.IpprotoTcp, LinuxTcp.TcpMaxSeg, BitConverter.GetBytes(mss));
#else
            var rc = LinuxTcp.Set(socket.Handle, LinuxTcp.IpprotoTcp, LinuxTcp.TcpMaxSeg, mss);
            if (rc != 0)
            {
                throw new SocketException(-rc);
            }
#endif
        }
        catch (Exception ex) when (ex is SocketException or DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            throw new MailFlowException(ErrorIds.SocketOptionUnsupported, MailFlowErrorCategory.NotInstalled, "The operating system refused TCP_MAXSEG=" + mss + ": " + ex.Message, mss, innerException: ex);
        }
    }

    /// <summary>Reads back the MSS the kernel uses (after connect, the negotiated one); null when unknown.</summary>
    public static int? GetMaxSegment(Socket socket)
    {
        if (!CanSetMaxSegment)
        {
            return null;
        }

        try
        {
            var buffer = new byte[4];
#if NET8_0_OR_GREATER
            var n = socket.GetRawSocketOption(LinuxTcp.IpprotoTcp, LinuxTcp.TcpMaxSeg, buffer);
#else
            var n = LinuxTcp.Get(socket.Handle, LinuxTcp.IpprotoTcp, LinuxTcp.TcpMaxSeg, buffer);
#endif
            return n == 4 ? BitConverter.ToInt32(buffer, 0) : null;
        }
        catch (Exception ex) when (ex is SocketException or DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Nagle off: each write leaves as its own segment(s), which the envelope and end-of-data probes rely on.</summary>
    public static void SetNoDelay(Socket socket, bool on = true) => socket.NoDelay = on;
}
