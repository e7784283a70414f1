using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Picks how to send ICMP: a raw socket when privileged, else Linux's unprivileged ICMP datagram socket,
/// else (off Linux) the OS ping facility. On Linux with neither socket there is no ICMP fallback that can
/// see "too big" errors, so the caller gets <see cref="ErrorIds.RawSocketNotPermitted"/> (or Auto uses TCP).
/// </summary>
internal static class IcmpTransportFactory
{
    public static IIcmpEchoTransport? TryCreate(IPAddress target, int burst, out string unavailableReason)
    {
        unavailableReason = string.Empty;
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return new PingApiTransport(target);
        }

#if NET8_0_OR_GREATER
        string rawError;
        try
        {
            return RawIcmpTransport.Open(target, burst);
        }
        catch (SocketException ex)
        {
            rawError = ex.SocketErrorCode.ToString();
        }

        string datagramError;
        try
        {
            return DatagramIcmpTransport.Open(target, burst);
        }
        catch (SocketException ex)
        {
            datagramError = ex.SocketErrorCode.ToString();
        }

        unavailableReason = NotPermittedMessage(rawError, datagramError);
        return null;
#else
        unavailableReason = "This build of the module cannot open ICMP sockets on Linux; load it in PowerShell 7 (net8.0), or use -Method Tcp.";
        return null;
#endif
    }

    public static MailFlowException NotPermitted(string reason, IPAddress target) =>
        new(ErrorIds.RawSocketNotPermitted, MailFlowErrorCategory.PermissionDenied, reason, target.ToString());

    internal static string NotPermittedMessage(string rawError, string datagramError)
    {
        var range = ReadPingGroupRange();
        return "ICMP probing is not permitted: a raw ICMP socket needs root or CAP_NET_RAW (" + rawError + "), and the unprivileged ICMP socket is refused ("
            + datagramError + (range is null ? string.Empty : "; net.ipv4.ping_group_range is '" + range + "'") + "). "
            + "Fallback: -Method Tcp measures the path MTU over an SMTP connection without privileges. "
            + "Or run as root, grant CAP_NET_RAW to the host process (setcap cap_net_raw+ep), or widen net.ipv4.ping_group_range to include your group.";
    }

    private static string? ReadPingGroupRange()
    {
        try
        {
            return File.ReadAllText("/proc/sys/net/ipv4/ping_group_range").Trim().Replace('\t', ' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
