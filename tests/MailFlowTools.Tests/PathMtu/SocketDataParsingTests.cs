using System;
using System.Net;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>Linux error-queue entries, control messages, TCP_INFO and iproute2 output.</summary>
public sealed class SocketDataParsingTests
{
    [Fact]
    public void An_extended_error_for_fragmentation_needed_gives_the_mtu_and_the_router()
    {
        var data = new byte[16 + 16];
        BitConverter.GetBytes(90).CopyTo(data, 0); // EMSGSIZE
        data[4] = ExtendedSocketError.OriginIcmp;
        data[5] = 3;
        data[6] = 4;
        BitConverter.GetBytes(1400u).CopyTo(data, 8);
        BitConverter.GetBytes((ushort)2).CopyTo(data, 16); // AF_INET
        IPAddress.Parse("192.0.2.1").GetAddressBytes().CopyTo(data, 20);

        Assert.True(ExtendedSocketError.TryParse(data, out var e));
        Assert.Equal(MtuProbeOutcome.TooBig, e.ToOutcome(out var mtu));
        Assert.Equal(1400, mtu);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), e.Offender);
    }

    [Fact]
    public void An_extended_error_for_icmpv6_packet_too_big_gives_the_mtu_and_the_router()
    {
        var data = new byte[16 + 28];
        BitConverter.GetBytes(90).CopyTo(data, 0);
        data[4] = ExtendedSocketError.OriginIcmp6;
        data[5] = 2;
        BitConverter.GetBytes(1400u).CopyTo(data, 8);
        BitConverter.GetBytes((ushort)10).CopyTo(data, 16); // AF_INET6
        IPAddress.Parse("2001:db8:c::1").GetAddressBytes().CopyTo(data, 24);

        Assert.True(ExtendedSocketError.TryParse(data, out var e));
        Assert.Equal(MtuProbeOutcome.TooBig, e.ToOutcome(out var mtu));
        Assert.Equal(1400, mtu);
        Assert.Equal(IPAddress.Parse("2001:db8:c::1"), e.Offender);
    }

    [Theory]
    [InlineData(ExtendedSocketError.OriginLocal, 0, 0, 90, MtuProbeOutcome.LocalTooBig)]
    [InlineData(ExtendedSocketError.OriginIcmp, 3, 1, 113, MtuProbeOutcome.Unreachable)]
    [InlineData(ExtendedSocketError.OriginIcmp, 11, 0, 113, MtuProbeOutcome.Unreachable)]
    [InlineData(ExtendedSocketError.OriginIcmp6, 1, 4, 111, MtuProbeOutcome.Unreachable)]
    public void Other_extended_errors_map_to_outcomes(byte origin, byte type, byte code, int errno, MtuProbeOutcome expected)
    {
        var data = new byte[16];
        BitConverter.GetBytes(errno).CopyTo(data, 0);
        data[4] = origin;
        data[5] = type;
        data[6] = code;
        BitConverter.GetBytes(1500u).CopyTo(data, 8);
        Assert.True(ExtendedSocketError.TryParse(data, out var e));
        Assert.Equal(expected, e.ToOutcome(out _));
        Assert.False(ExtendedSocketError.TryParse(new byte[15], out _));
    }

    [Fact]
    public void Control_messages_are_walked_with_alignment()
    {
        // Two cmsghdrs on a 64-bit host: (len, level, type) then data padded to 8 bytes.
        var control = new byte[64];
        BitConverter.GetBytes(16UL + 5).CopyTo(control, 0);
        BitConverter.GetBytes(0).CopyTo(control, 8);
        BitConverter.GetBytes(11).CopyTo(control, 12);
        control[16] = 0xaa;
        BitConverter.GetBytes(16UL + 4).CopyTo(control, 24);
        BitConverter.GetBytes(41).CopyTo(control, 32);
        BitConverter.GetBytes(25).CopyTo(control, 36);
        control[40] = 0xbb;

        var messages = System.Linq.Enumerable.ToList(LinuxSockets.ControlMessages(control, 44));
        Assert.Equal(2, messages.Count);
        Assert.Equal((0, 11), (messages[0].Level, messages[0].Type));
        Assert.Equal(5, messages[0].Data.Length);
        Assert.Equal(0xaa, messages[0].Data[0]);
        Assert.Equal((41, 25), (messages[1].Level, messages[1].Type));
        Assert.Equal(0xbb, messages[1].Data[0]);

        // A length that runs past the buffer stops the walk.
        BitConverter.GetBytes(500UL).CopyTo(control, 0);
        Assert.Empty(LinuxSockets.ControlMessages(control, 44));
    }

    [Fact]
    public void The_full_segment_packet_size_comes_from_tcp_info_mss_and_options()
    {
        var data = new byte[232];
        data[2] = 2; // retransmits
        data[5] = 1 | 2 | 4; // timestamps, sack, wscale
        BitConverter.GetBytes(1348u).CopyTo(data, 16);
        BitConverter.GetBytes(1400u).CopyTo(data, 60);
        BitConverter.GetBytes(123456UL).CopyTo(data, 120);

        var info = MailFlowTools.Core.Net.TcpInfoReader.ParseLinux(data, data.Length, 0);
        Assert.Equal(7, info.Options);
        Assert.Equal(2, info.Retransmits);
        Assert.Equal(1400, info.PathMtu);
        Assert.Equal(123456L, info.BytesAcked);
        Assert.Equal(1400, SmtpProbeConnection.FullSegmentPacketSize(info, ipv6: false));
        Assert.Equal(1420, SmtpProbeConnection.FullSegmentPacketSize(info, ipv6: true));

        data[5] = 2; // no timestamps: the MSS is all payload
        Assert.Equal(1388, SmtpProbeConnection.FullSegmentPacketSize(MailFlowTools.Core.Net.TcpInfoReader.ParseLinux(data, data.Length, 0), ipv6: false));
        Assert.Null(SmtpProbeConnection.FullSegmentPacketSize(MailFlowTools.Core.Net.TcpInfoSnapshot.Unavailable, ipv6: false));
    }

    [Fact]
    public void Ip_route_get_with_a_cached_ipv4_pmtu()
    {
        var r = RouteMtuInfo.Parse("198.51.100.28 via 192.0.2.1 dev c0 src 192.0.2.10 uid 0 \n    cache expires 579sec mtu 1400 \n");
        Assert.Equal("c0", r.Device);
        Assert.Equal(1400, r.Mtu);
        Assert.Equal(579, r.ExpiresSeconds);
        Assert.True(r.IsCached);
        Assert.False(r.Locked);
    }

    [Fact]
    public void Ip_route_get_with_a_cached_ipv6_pmtu()
    {
        var r = RouteMtuInfo.Parse("2001:db8:5::28 from :: via 2001:db8:c::1 dev c0 src 2001:db8:c::10 metric 1024 expires 582sec mtu 1400 pref medium");
        Assert.Equal(1400, r.Mtu);
        Assert.Equal(582, r.ExpiresSeconds);
        Assert.True(r.IsCached);
    }

    [Fact]
    public void Ip_route_get_with_a_locked_route_mtu_and_without_any()
    {
        var locked = RouteMtuInfo.Parse("198.51.100.27 dev r1 src 198.51.100.1 uid 0 \n    cache mtu lock 1400");
        Assert.Equal(1400, locked.Mtu);
        Assert.True(locked.Locked);
        Assert.False(locked.IsCached);

        var plain = RouteMtuInfo.Parse("198.51.100.25 via 192.0.2.1 dev c0 src 192.0.2.10 uid 0 \n    cache");
        Assert.Null(plain.Mtu);
        Assert.Equal("c0", plain.Device);
        Assert.Null(RouteMtuInfo.Parse(string.Empty).Mtu);
    }
}
