#if NET8_0_OR_GREATER
using System;
using System.Net;
using System.Net.Sockets;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Raw ICMP/ICMPv6 socket (root or CAP_NET_RAW on Linux). Sees "too big" errors directly, with the next-hop MTU
/// and the router's address, and matches them to probes through the quoted echo header.
/// </summary>
internal sealed class RawIcmpTransport : SocketIcmpTransport
{
    private RawIcmpTransport(Socket socket, IPAddress target, int burst)
        : base(socket, target, burst)
    {
    }

    public override string Name => "RawSocket";

    protected override bool MatchIdentifier => true;

    /// <summary>Opens the socket; throws <see cref="SocketException"/> (access denied) without the privilege.</summary>
    public static RawIcmpTransport Open(IPAddress target, int burst)
    {
        var ipv6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        var socket = new Socket(target.AddressFamily, SocketType.Raw, ipv6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
        try
        {
            LinuxSockets.ProbeMtuWithoutFragmenting(socket, ipv6);
            LinuxSockets.FilterIcmp(socket, ipv6);
            socket.ReceiveBufferSize = 1 << 20;

            // .NET receives only on a bound socket; the wildcard keeps the kernel's choice of source address.
            socket.Bind(new IPEndPoint(ipv6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            return new RawIcmpTransport(socket, target, burst);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    protected override bool TryDecode(ReadOnlySpan<byte> datagram, IPAddress? from, out IcmpEvent icmpEvent) =>
        IsIPv6 ? IcmpPacket.TryParseV6(datagram, from, out icmpEvent) : IcmpPacket.TryParseV4(datagram, includesIpHeader: true, out icmpEvent);
}
#endif
