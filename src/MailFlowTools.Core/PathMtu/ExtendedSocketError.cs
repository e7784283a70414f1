using System;
using System.Net;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Linux "struct sock_extended_err" from a socket's error queue (IP_RECVERR / IPV6_RECVERR), as delivered to
/// ICMP datagram ("ping") sockets: how unprivileged probes learn about "too big" errors and their MTU.
/// </summary>
internal readonly struct ExtendedSocketError
{
    public const int OriginLocal = 1;
    public const int OriginIcmp = 2;
    public const int OriginIcmp6 = 3;
    public const int StructSize = 16;
    private const int EMsgSize = 90;

    public ExtendedSocketError(int errno, byte origin, byte type, byte code, uint info, IPAddress? offender)
    {
        Errno = errno;
        Origin = origin;
        Type = type;
        Code = code;
        Info = info;
        Offender = offender;
    }

    public int Errno { get; }

    public byte Origin { get; }

    public byte Type { get; }

    public byte Code { get; }

    /// <summary>For "too big" errors and local EMSGSIZE: the MTU.</summary>
    public uint Info { get; }

    /// <summary>The router or host that sent the ICMP error (SO_EE_OFFENDER).</summary>
    public IPAddress? Offender { get; }

    /// <summary>Reads the struct and the offender address that follows it (host byte order, little-endian on every Linux .NET runs on).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out ExtendedSocketError error)
    {
        error = default;
        if (data.Length < StructSize)
        {
            return false;
        }

        var errno = (int)ReadUInt32Le(data, 0);
        var origin = data[4];
        var type = data[5];
        var code = data[6];
        var info = ReadUInt32Le(data, 8);
        IPAddress? offender = null;
        var rest = data.Slice(StructSize);
        if (rest.Length >= 8 && ReadUInt16Le(rest, 0) == 2)
        {
            offender = new IPAddress(rest.Slice(4, 4).ToArray());
        }
        else if (rest.Length >= 24 && ReadUInt16Le(rest, 0) == 10)
        {
            offender = new IPAddress(rest.Slice(8, 16).ToArray());
        }

        error = new ExtendedSocketError(errno, origin, type, code, info, offender);
        return true;
    }

    /// <summary>The probe outcome this error means, and the reported MTU if any.</summary>
    public MtuProbeOutcome ToOutcome(out int? mtu)
    {
        mtu = null;
        if (Origin == OriginLocal)
        {
            if (Errno == EMsgSize)
            {
                mtu = Info is > 0 and < 65536 ? (int)Info : null;
                return MtuProbeOutcome.LocalTooBig;
            }

            return MtuProbeOutcome.Error;
        }

        var tooBig = (Origin == OriginIcmp && Type == 3 && Code == 4) || (Origin == OriginIcmp6 && Type == 2);
        if (tooBig)
        {
            mtu = Info is > 0 and < 65536 ? (int)Info : null;
            return MtuProbeOutcome.TooBig;
        }

        return Origin is OriginIcmp or OriginIcmp6 ? MtuProbeOutcome.Unreachable : MtuProbeOutcome.Error;
    }

    private static uint ReadUInt32Le(ReadOnlySpan<byte> b, int offset) =>
        b[offset] | ((uint)b[offset + 1] << 8) | ((uint)b[offset + 2] << 16) | ((uint)b[offset + 3] << 24);

    private static ushort ReadUInt16Le(ReadOnlySpan<byte> b, int offset) => (ushort)(b[offset] | (b[offset + 1] << 8));
}
