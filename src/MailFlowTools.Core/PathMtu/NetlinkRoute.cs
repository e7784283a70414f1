#if NET8_0_OR_GREATER
using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// What <c>ip route get ADDR</c> asks the kernel, asked directly over rtnetlink (RTM_GETROUTE): the outgoing device,
/// the route's MTU metric (a learned path MTU or a configured one, and whether it is locked) and when a learned one
/// expires. One request and one reply in this process, instead of starting iproute2 (a fork and exec, milliseconds).
/// Linux only.
/// </summary>
internal static class NetlinkRoute
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkRouteProtocol = 0;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;

    private const ushort RtmNewRoute = 24;
    private const ushort RtmGetRoute = 26;
    private const ushort NlmsgError = 2;
    private const ushort NlmFRequest = 1;
    private const int HeaderSize = 16;
    private const int RtMsgSize = 12;

    private const ushort RtaDst = 1;
    private const ushort RtaOif = 4;
    private const ushort RtaMetrics = 8;
    private const ushort RtaCacheInfo = 12;
    private const ushort RtaxLock = 1;
    private const ushort RtaxMtu = 2;

    /// <summary>clock_t ticks per second in rta_expires (USER_HZ, which iproute2 divides by as well).</summary>
    private const int UserHz = 100;

    /// <summary>
    /// Asks the kernel for the route to <paramref name="target"/>. False when rtnetlink cannot be used (then the caller
    /// may ask iproute2); true with <paramref name="route"/> null when the kernel has no route (as <c>ip route get</c>
    /// would fail).
    /// </summary>
    public static bool TryGet(IPAddress target, out RouteMtuInfo? route)
    {
        route = null;
        var fd = Socket(AfNetlink, SockRaw | SockCloexec, NetlinkRouteProtocol);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            // Every wait bounded: the kernel answers within the send, the timeout only guards against the unexpected.
            Span<long> timeout = stackalloc long[] { 1, 0 };
            _ = SetSockOpt(fd, SolSocket, SoRcvTimeo, MemoryMarshal.AsBytes(timeout), 16);

            var request = BuildRequest(target, sequence: 1);
            if (Send(fd, request, request.Length, 0) != request.Length)
            {
                return false;
            }

            var reply = new byte[8192];
            var received = (int)Receive(fd, reply, reply.Length, 0);
            if (received < HeaderSize)
            {
                return false;
            }

            route = ParseReply(reply.AsSpan(0, received), out var interfaceIndex);
            if (route is not null && interfaceIndex > 0)
            {
                route = new RouteMtuInfo { Device = InterfaceName(interfaceIndex), Mtu = route.Mtu, Locked = route.Locked, ExpiresSeconds = route.ExpiresSeconds };
            }

            return true;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>RTM_GETROUTE for one destination address, as iproute2 sends it (no table, no flags).</summary>
    internal static byte[] BuildRequest(IPAddress target, uint sequence)
    {
        var address = target.GetAddressBytes();
        var attributeLength = 4 + address.Length;
        var length = HeaderSize + RtMsgSize + Align(attributeLength);
        var message = new byte[length];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(4), RtmGetRoute);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(6), NlmFRequest);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(8), sequence);
        message[HeaderSize] = target.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;
        message[HeaderSize + 1] = (byte)(address.Length * 8);
        var attribute = span.Slice(HeaderSize + RtMsgSize);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)attributeLength);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.Slice(2), RtaDst);
        address.CopyTo(attribute.Slice(4));
        return message;
    }

    /// <summary>
    /// Reads an RTM_NEWROUTE reply (host byte order, little-endian on every Linux .NET runs on): the MTU metric and
    /// its lock, the expiry of a learned MTU in seconds, and the outgoing interface index. Null for an error reply
    /// or anything malformed; every length is bounds-checked.
    /// </summary>
    internal static RouteMtuInfo? ParseReply(ReadOnlySpan<byte> reply, out int interfaceIndex)
    {
        interfaceIndex = 0;
        if (reply.Length < HeaderSize)
        {
            return null;
        }

        var length = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(reply), (uint)reply.Length);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(reply.Slice(4));
        if (type == NlmsgError || type != RtmNewRoute || length < HeaderSize + RtMsgSize)
        {
            return null;
        }

        int? mtu = null;
        int? expires = null;
        var locked = false;
        var attributes = reply.Slice(HeaderSize + RtMsgSize, length - HeaderSize - RtMsgSize);
        foreach (var (attributeType, data) in Attributes(attributes))
        {
            switch (attributeType)
            {
                case RtaOif when data.Length >= 4:
                    interfaceIndex = BinaryPrimitives.ReadInt32LittleEndian(data);
                    break;
                case RtaMetrics:
                    uint lockMask = 0;
                    foreach (var (metric, value) in Attributes(data))
                    {
                        if (value.Length < 4)
                        {
                            continue;
                        }

                        if (metric == RtaxMtu)
                        {
                            mtu = (int)BinaryPrimitives.ReadUInt32LittleEndian(value);
                        }
                        else if (metric == RtaxLock)
                        {
                            lockMask = BinaryPrimitives.ReadUInt32LittleEndian(value);
                        }
                    }

                    locked = mtu is not null && (lockMask & (1u << RtaxMtu)) != 0;
                    break;
                case RtaCacheInfo when data.Length >= 12:
                    // struct rta_cacheinfo: clntref, lastuse, expires (clock_t, signed), …; 0 means none.
                    var ticks = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(8));
                    expires = ticks != 0 ? ticks / UserHz : null;
                    break;
            }
        }

        return new RouteMtuInfo { Mtu = mtu, Locked = locked, ExpiresSeconds = expires };
    }

    private static AttributeEnumerator Attributes(ReadOnlySpan<byte> span) => new(span);

    private static int Align(int value) => (value + 3) & ~3;

    private static string? InterfaceName(int index)
    {
        Span<byte> name = stackalloc byte[16];
        if (IfIndexToName((uint)index, name) == IntPtr.Zero)
        {
            return null;
        }

        var end = name.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(end < 0 ? name : name.Slice(0, end));
    }

    [DllImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static extern unsafe int SetSockOpt(int fd, int level, int name, byte* value, uint length);

    private static unsafe int SetSockOpt(int fd, int level, int name, Span<byte> value, uint length)
    {
        fixed (byte* p = value)
        {
            return SetSockOpt(fd, level, name, p, length);
        }
    }

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    private static extern nint Send(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static extern nint Receive(int fd, byte[] buffer, nint length, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "if_indextoname", SetLastError = true)]
    private static extern unsafe IntPtr IfIndexToName(uint index, byte* name);

    private static unsafe IntPtr IfIndexToName(uint index, Span<byte> name)
    {
        fixed (byte* p = name)
        {
            return IfIndexToName(index, p);
        }
    }

    /// <summary>Walks rtattr records (length, type, data, 4-byte aligned) without allocating; stops at a malformed one.</summary>
    private ref struct AttributeEnumerator
    {
        private ReadOnlySpan<byte> _rest;

        public AttributeEnumerator(ReadOnlySpan<byte> span)
        {
            _rest = span;
            Current = default;
        }

        public RouteAttribute Current { get; private set; }

        public AttributeEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.Length < 4)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(_rest.Slice(2));
            if (length < 4 || length > _rest.Length)
            {
                return false;
            }

            Current = new RouteAttribute(type, _rest.Slice(4, length - 4));
            _rest = _rest.Slice(Math.Min(Align(length), _rest.Length));
            return true;
        }
    }

    private readonly ref struct RouteAttribute
    {
        public RouteAttribute(ushort type, ReadOnlySpan<byte> data)
        {
            Type = type;
            Data = data;
        }

        public ushort Type { get; }

        public ReadOnlySpan<byte> Data { get; }

        public void Deconstruct(out ushort type, out ReadOnlySpan<byte> data)
        {
            type = Type;
            data = Data;
        }
    }
}
#endif
