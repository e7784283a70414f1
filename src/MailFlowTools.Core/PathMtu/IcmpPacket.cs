using System;
using System.Net;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Builds ICMP/ICMPv6 echo requests of an exact IP packet size and parses what comes back, including the
/// quoted header inside errors (RFC 792, RFC 1191, RFC 4443). Bounds-checked; never throws on bad input.
/// </summary>
internal static class IcmpPacket
{
    public const int IPv4HeaderSize = 20;
    public const int IPv6HeaderSize = 40;
    public const int EchoHeaderSize = 8;

    /// <summary>ICMP echo data bytes that make an IP packet of <paramref name="packetSize"/> bytes.</summary>
    public static int DataLengthFor(int packetSize, bool ipv6) => packetSize - (ipv6 ? IPv6HeaderSize : IPv4HeaderSize) - EchoHeaderSize;

    /// <summary>Smallest packet size that still carries an echo header.</summary>
    public static int MinPacketSize(bool ipv6) => (ipv6 ? IPv6HeaderSize : IPv4HeaderSize) + EchoHeaderSize;

    /// <summary>An echo request (ICMP header + data, no IP header). The IPv4 checksum is filled in; ICMPv6 leaves it to the kernel.</summary>
    public static byte[] EchoRequest(bool ipv6, ushort identifier, ushort sequence, int packetSize)
    {
        var dataLength = DataLengthFor(packetSize, ipv6);
        if (dataLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(packetSize), packetSize, "Too small for an echo request.");
        }

        var packet = new byte[EchoHeaderSize + dataLength];
        packet[0] = ipv6 ? (byte)128 : (byte)8;
        packet[1] = 0;
        WriteUInt16(packet, 4, identifier);
        WriteUInt16(packet, 6, sequence);

        // A recognisable pattern; some middleboxes treat all-zero payloads specially.
        for (var i = 0; i < dataLength; i++)
        {
            packet[EchoHeaderSize + i] = (byte)(0x20 + (i % 0x5f));
        }

        if (!ipv6)
        {
            WriteUInt16(packet, 2, Checksum(packet, 0, packet.Length));
        }

        return packet;
    }

    /// <summary>RFC 1071 Internet checksum.</summary>
    public static ushort Checksum(byte[] data, int offset, int count)
    {
        uint sum = 0;
        var i = offset;
        var end = offset + count;
        for (; i + 1 < end; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (i < end)
        {
            sum += (uint)(data[i] << 8);
        }

        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>
    /// Parses an IPv4 ICMP message. Raw sockets deliver the IP header first (<paramref name="includesIpHeader"/>);
    /// ICMP datagram sockets deliver the ICMP message alone.
    /// </summary>
    public static bool TryParseV4(ReadOnlySpan<byte> data, bool includesIpHeader, out IcmpEvent result)
    {
        result = default;
        IPAddress? source = null;
        var icmp = data;
        if (includesIpHeader)
        {
            if (data.Length < IPv4HeaderSize || (data[0] >> 4) != 4)
            {
                return false;
            }

            var ihl = (data[0] & 0x0f) * 4;
            if (ihl < IPv4HeaderSize || data.Length < ihl + EchoHeaderSize || data[9] != 1)
            {
                return false;
            }

            source = new IPAddress(data.Slice(12, 4).ToArray());
            icmp = data.Slice(ihl);
        }

        if (icmp.Length < EchoHeaderSize)
        {
            return false;
        }

        var type = icmp[0];
        var code = icmp[1];
        switch (type)
        {
            case 0:
            case 8:
                result = new IcmpEvent(type == 0 ? IcmpEventKind.EchoReply : IcmpEventKind.EchoRequest, type, code, ReadUInt16(icmp, 4), ReadUInt16(icmp, 6), null, source, null);
                return true;
            case 3:
            case 11:
            case 12:
                var kind = type switch
                {
                    3 when code == 4 => IcmpEventKind.TooBig,
                    11 => IcmpEventKind.TimeExceeded,
                    _ => IcmpEventKind.Unreachable,
                };

                // RFC 1191: next-hop MTU in the low 16 bits of the second word; 0 from pre-RFC 1191 routers.
                int? mtu = kind == IcmpEventKind.TooBig ? ReadUInt16(icmp, 6) : null;
                if (mtu == 0)
                {
                    mtu = null;
                }

                var inner = icmp.Slice(EchoHeaderSize);
                if (inner.Length < IPv4HeaderSize || (inner[0] >> 4) != 4)
                {
                    return false;
                }

                var innerIhl = (inner[0] & 0x0f) * 4;
                if (innerIhl < IPv4HeaderSize || inner.Length < innerIhl + EchoHeaderSize || inner[9] != 1)
                {
                    // Not about an ICMP packet, so not about one of our probes.
                    return false;
                }

                var innerIcmp = inner.Slice(innerIhl);
                if (innerIcmp[0] != 8)
                {
                    return false;
                }

                var innerDestination = new IPAddress(inner.Slice(16, 4).ToArray());
                result = new IcmpEvent(kind, type, code, ReadUInt16(innerIcmp, 4), ReadUInt16(innerIcmp, 6), mtu, source, innerDestination);
                return true;
            default:
                result = new IcmpEvent(IcmpEventKind.Other, type, code, 0, 0, null, source, null);
                return true;
        }
    }

    /// <summary>Parses an ICMPv6 message (sockets never deliver the IPv6 header).</summary>
    public static bool TryParseV6(ReadOnlySpan<byte> icmp, IPAddress? source, out IcmpEvent result)
    {
        result = default;
        if (icmp.Length < EchoHeaderSize)
        {
            return false;
        }

        var type = icmp[0];
        var code = icmp[1];
        switch (type)
        {
            case 128:
            case 129:
                result = new IcmpEvent(type == 129 ? IcmpEventKind.EchoReply : IcmpEventKind.EchoRequest, type, code, ReadUInt16(icmp, 4), ReadUInt16(icmp, 6), null, source, null);
                return true;
            case 1:
            case 2:
            case 3:
            case 4:
                var kind = type switch
                {
                    2 => IcmpEventKind.TooBig,
                    3 => IcmpEventKind.TimeExceeded,
                    _ => IcmpEventKind.Unreachable,
                };
                int? mtu = null;
                if (kind == IcmpEventKind.TooBig)
                {
                    var value = ReadUInt32(icmp, 4);
                    mtu = value is > 0 and <= int.MaxValue ? (int)value : null;
                }

                var inner = icmp.Slice(EchoHeaderSize);
                if (inner.Length < IPv6HeaderSize + EchoHeaderSize || (inner[0] >> 4) != 6 || inner[6] != 58)
                {
                    // Our probes carry no extension headers, so anything else is not ours.
                    return false;
                }

                var innerIcmp = inner.Slice(IPv6HeaderSize);
                if (innerIcmp[0] != 128)
                {
                    return false;
                }

                var innerDestination = new IPAddress(inner.Slice(24, 16).ToArray());
                result = new IcmpEvent(kind, type, code, ReadUInt16(innerIcmp, 4), ReadUInt16(innerIcmp, 6), mtu, source, innerDestination);
                return true;
            default:
                result = new IcmpEvent(IcmpEventKind.Other, type, code, 0, 0, null, source, null);
                return true;
        }
    }

    internal static ushort ReadUInt16(ReadOnlySpan<byte> b, int offset) => (ushort)((b[offset] << 8) | b[offset + 1]);

    internal static uint ReadUInt32(ReadOnlySpan<byte> b, int offset) =>
        ((uint)b[offset] << 24) | ((uint)b[offset + 1] << 16) | ((uint)b[offset + 2] << 8) | b[offset + 3];

    private static void WriteUInt16(byte[] b, int offset, ushort value)
    {
        b[offset] = (byte)(value >> 8);
        b[offset + 1] = (byte)value;
    }
}
