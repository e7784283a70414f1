using System;
using System.Net;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

public sealed class IcmpPacketTests
{
    [Theory]
    [InlineData(false, 68)]
    [InlineData(false, 1500)]
    [InlineData(true, 1280)]
    [InlineData(true, 1500)]
    public void An_echo_request_makes_an_ip_packet_of_exactly_the_size(bool ipv6, int size)
    {
        var packet = IcmpPacket.EchoRequest(ipv6, 0x1234, 0x0042, size);
        Assert.Equal(size - (ipv6 ? 40 : 20), packet.Length);
        Assert.Equal(ipv6 ? 128 : 8, packet[0]);
        Assert.Equal(0x12, packet[4]);
        Assert.Equal(0x34, packet[5]);
        Assert.Equal(0x42, packet[7]);
        if (!ipv6)
        {
            // A correct checksum makes the sum over the whole message zero.
            Assert.Equal(0, IcmpPacket.Checksum(packet, 0, packet.Length));
        }
    }

    [Fact]
    public void Checksum_follows_rfc_1071()
    {
        // RFC 1071 section 3 example: 0x0001 f203 f4f5 f6f7 sums to 0xddf2, complemented 0x220d.
        var data = new byte[] { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
        Assert.Equal(0x220d, IcmpPacket.Checksum(data, 0, data.Length));
    }

    [Fact]
    public void An_ipv4_echo_reply_from_a_raw_socket_is_parsed_with_its_source()
    {
        var icmp = IcmpPacket.EchoRequest(false, 7, 9, 100);
        icmp[0] = 0;
        var datagram = Concat(Ipv4Header("198.51.100.27", "192.0.2.10", 1, icmp.Length), icmp);
        Assert.True(IcmpPacket.TryParseV4(datagram, includesIpHeader: true, out var e));
        Assert.Equal(IcmpEventKind.EchoReply, e.Kind);
        Assert.Equal(7, e.Identifier);
        Assert.Equal(9, e.Sequence);
        Assert.Equal(IPAddress.Parse("198.51.100.27"), e.Source);
    }

    [Fact]
    public void Fragmentation_needed_is_matched_through_the_quoted_header()
    {
        var probe = IcmpPacket.EchoRequest(false, 0xbeef, 0x0101, 1500);
        var quoted = Concat(Ipv4Header("192.0.2.10", "198.51.100.28", 1, probe.Length), probe.AsSpan(0, 8).ToArray());
        var error = Concat(new byte[] { 3, 4, 0, 0, 0, 0, 0x05, 0x78 }, quoted);
        var datagram = Concat(Ipv4Header("192.0.2.1", "192.0.2.10", 1, error.Length), error);

        Assert.True(IcmpPacket.TryParseV4(datagram, includesIpHeader: true, out var e));
        Assert.Equal(IcmpEventKind.TooBig, e.Kind);
        Assert.Equal(1400, e.Mtu);
        Assert.Equal(0xbeef, e.Identifier);
        Assert.Equal(0x0101, e.Sequence);
        Assert.Equal(IPAddress.Parse("198.51.100.28"), e.InnerDestination);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), e.Source);
    }

    [Fact]
    public void A_pre_rfc_1191_router_that_leaves_the_mtu_zero_gives_no_mtu()
    {
        var probe = IcmpPacket.EchoRequest(false, 1, 2, 600);
        var error = Concat(new byte[] { 3, 4, 0, 0, 0, 0, 0, 0 }, Concat(Ipv4Header("192.0.2.10", "198.51.100.28", 1, probe.Length), probe.AsSpan(0, 8).ToArray()));
        Assert.True(IcmpPacket.TryParseV4(error, includesIpHeader: false, out var e));
        Assert.Equal(IcmpEventKind.TooBig, e.Kind);
        Assert.Null(e.Mtu);
    }

    [Fact]
    public void Errors_about_other_protocols_are_not_ours()
    {
        var udp = new byte[8];
        var error = Concat(new byte[] { 3, 3, 0, 0, 0, 0, 0, 0 }, Concat(Ipv4Header("192.0.2.10", "198.51.100.28", 17, 8), udp));
        Assert.False(IcmpPacket.TryParseV4(error, includesIpHeader: false, out _));
    }

    [Fact]
    public void Icmpv6_packet_too_big_is_matched_through_the_quoted_header()
    {
        var probe = IcmpPacket.EchoRequest(true, 0x0a0b, 0x0c0d, 1500);
        var quoted = Concat(Ipv6Header("2001:db8:c::10", "2001:db8:5::28", 58, probe.Length), probe.AsSpan(0, 8).ToArray());
        var error = Concat(new byte[] { 2, 0, 0, 0, 0, 0, 0x05, 0x78 }, quoted);
        Assert.True(IcmpPacket.TryParseV6(error, IPAddress.Parse("2001:db8:c::1"), out var e));
        Assert.Equal(IcmpEventKind.TooBig, e.Kind);
        Assert.Equal(1400, e.Mtu);
        Assert.Equal(0x0a0b, e.Identifier);
        Assert.Equal(0x0c0d, e.Sequence);
        Assert.Equal(IPAddress.Parse("2001:db8:5::28"), e.InnerDestination);
    }

    [Fact]
    public void An_icmpv6_echo_reply_is_parsed()
    {
        var reply = IcmpPacket.EchoRequest(true, 5, 6, 1300);
        reply[0] = 129;
        Assert.True(IcmpPacket.TryParseV6(reply, null, out var e));
        Assert.Equal(IcmpEventKind.EchoReply, e.Kind);
        Assert.Equal(6, e.Sequence);
    }

    [Fact]
    public void Truncated_and_random_input_never_throws()
    {
        var random = new Random(42);
        for (var i = 0; i < 20000; i++)
        {
            var data = new byte[random.Next(0, 120)];
            random.NextBytes(data);
            if (data.Length > 0 && i % 2 == 0)
            {
                data[0] = (byte)(0x45);
            }

            IcmpPacket.TryParseV4(data, includesIpHeader: i % 3 == 0, out _);
            IcmpPacket.TryParseV6(data, null, out _);
        }
    }

    internal static byte[] Ipv4Header(string source, string destination, byte protocol, int payloadLength)
    {
        var h = new byte[20];
        h[0] = 0x45;
        var total = 20 + payloadLength;
        h[2] = (byte)(total >> 8);
        h[3] = (byte)total;
        h[6] = 0x40;
        h[8] = 64;
        h[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(h, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(h, 16);
        return h;
    }

    internal static byte[] Ipv6Header(string source, string destination, byte nextHeader, int payloadLength)
    {
        var h = new byte[40];
        h[0] = 0x60;
        h[4] = (byte)(payloadLength >> 8);
        h[5] = (byte)payloadLength;
        h[6] = nextHeader;
        h[7] = 64;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(h, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(h, 24);
        return h;
    }

    internal static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }
}
