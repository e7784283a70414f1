#if NET8_0_OR_GREATER
using System;
using System.Net;
using System.Net.Sockets;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Linux unprivileged ICMP datagram ("ping") socket, allowed when the caller's group is inside
/// net.ipv4.ping_group_range. The kernel owns the identifier and delivers only our replies; "too big"
/// errors arrive on the socket's error queue (IP_RECVERR) with the MTU and the router's address.
/// </summary>
internal sealed class DatagramIcmpTransport : SocketIcmpTransport
{
    private DatagramIcmpTransport(Socket socket, IPAddress target, int burst)
        : base(socket, target, burst)
    {
    }

    public override string Name => "DatagramSocket";

    protected override bool MatchIdentifier => false;

    public static DatagramIcmpTransport Open(IPAddress target, int burst)
    {
        var ipv6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        var socket = new Socket(target.AddressFamily, SocketType.Dgram, ipv6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
        try
        {
            LinuxSockets.ProbeMtuWithoutFragmenting(socket, ipv6);
            if (ipv6)
            {
                LinuxSockets.SetInt(socket, LinuxSockets.SolIpv6, LinuxSockets.Ipv6RecvErr, 1);
            }
            else
            {
                LinuxSockets.SetInt(socket, LinuxSockets.SolIp, LinuxSockets.IpRecvErr, 1);
            }

            socket.ReceiveBufferSize = 1 << 20;

            // .NET receives only on a bound socket; the wildcard keeps the kernel's choice of source address.
            socket.Bind(new IPEndPoint(ipv6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            return new DatagramIcmpTransport(socket, target, burst);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    protected override bool TryDecode(ReadOnlySpan<byte> datagram, IPAddress? from, out IcmpEvent icmpEvent) =>
        IsIPv6 ? IcmpPacket.TryParseV6(datagram, from, out icmpEvent) : IcmpPacket.TryParseV4(datagram, includesIpHeader: false, out icmpEvent);

    protected override void PollErrors()
    {
        foreach (var (error, original) in LinuxSockets.DrainErrorQueue(Socket))
        {
            // The queued data is the echo request we sent (ICMP header first): its sequence names the probe.
            if (original.Length < IcmpPacket.EchoHeaderSize)
            {
                continue;
            }

            var sequence = IcmpPacket.ReadUInt16(original, 6);
            var outcome = error.ToOutcome(out var mtu);
            var detail = outcome switch
            {
                MtuProbeOutcome.TooBig => (IsIPv6 ? "ICMPv6 packet too big" : "ICMP fragmentation needed") + (mtu is { } m ? ", MTU " + m : ", no MTU given"),
                MtuProbeOutcome.LocalTooBig => "local: message too long" + (mtu is { } l ? ", interface MTU " + l : string.Empty),
                _ => $"ICMP origin {error.Origin} type {error.Type} code {error.Code}",
            };
            if (error.Offender is not null && outcome != MtuProbeOutcome.LocalTooBig)
            {
                detail += " from " + error.Offender;
            }

            CompleteBySequence(sequence, outcome, mtu, outcome == MtuProbeOutcome.LocalTooBig ? null : error.Offender, detail);
        }
    }
}
#endif
