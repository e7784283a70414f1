#if NET8_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Linux socket options and the error-queue read that .NET does not wrap. Only called when
/// <see cref="OperatingSystem.IsLinux"/> is true.
/// </summary>
internal static class LinuxSockets
{
    public const int SolIp = 0;
    public const int SolIpv6 = 41;
    public const int SolRaw = 255;
    public const int IpproIcmpv6 = 58;

    public const int IpMtuDiscover = 10;
    public const int IpRecvErr = 11;
    public const int IpMtu = 14;
    public const int IpPmtuDiscProbe = 3;
    public const int Ipv6MtuDiscover = 23;
    public const int Ipv6Mtu = 24;
    public const int Ipv6RecvErr = 25;
    public const int Ipv6DontFrag = 62;
    public const int Ipv6PmtuDiscProbe = 3;
    public const int IcmpFilter = 1;
    public const int Icmp6Filter = 1;

    private const int MsgDontWait = 0x40;
    private const int MsgErrQueue = 0x2000;

    public static void SetInt(Socket socket, int level, int name, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BitConverter.TryWriteBytes(buffer, value);
        socket.SetRawSocketOption(level, name, buffer);
    }

    public static int GetInt(Socket socket, int level, int name)
    {
        Span<byte> buffer = stackalloc byte[4];
        socket.GetRawSocketOption(level, name, buffer);
        return BitConverter.ToInt32(buffer);
    }

    /// <summary>
    /// Sends with DF but ignores the kernel's cached path MTU (IP_PMTUDISC_PROBE), so every size really goes
    /// on the wire; IPv6 also refuses local fragmentation.
    /// </summary>
    public static void ProbeMtuWithoutFragmenting(Socket socket, bool ipv6)
    {
        if (ipv6)
        {
            SetInt(socket, SolIpv6, Ipv6MtuDiscover, Ipv6PmtuDiscProbe);
            SetInt(socket, SolIpv6, Ipv6DontFrag, 1);
        }
        else
        {
            SetInt(socket, SolIp, IpMtuDiscover, IpPmtuDiscProbe);
        }
    }

    /// <summary>Lets a raw ICMP socket see only echo replies and errors (best effort: the filter only saves work).</summary>
    public static void FilterIcmp(Socket socket, bool ipv6)
    {
        try
        {
            if (ipv6)
            {
                // struct icmp6_filter: a set bit blocks that type.
                var words = new uint[8];
                for (var i = 0; i < words.Length; i++)
                {
                    words[i] = uint.MaxValue;
                }

                foreach (var type in new[] { 1, 2, 3, 4, 129 })
                {
                    words[type >> 5] &= ~(1u << (type & 31));
                }

                var bytes = new byte[32];
                Buffer.BlockCopy(words, 0, bytes, 0, 32);
                socket.SetRawSocketOption(IpproIcmpv6, Icmp6Filter, bytes);
            }
            else
            {
                // ICMP_FILTER: a set bit blocks that type.
                var pass = (1u << 0) | (1u << 3) | (1u << 11) | (1u << 12);
                SetInt(socket, SolRaw, IcmpFilter, unchecked((int)~pass));
            }
        }
        catch (SocketException)
        {
            // Without the filter the receive loop discards the extra messages itself.
        }
    }

    /// <summary>Reads every queued extended error (non-blocking). Returns (error, original packet bytes) pairs.</summary>
    public static unsafe List<(ExtendedSocketError Error, byte[] Original)> DrainErrorQueue(Socket socket)
    {
        var list = new List<(ExtendedSocketError, byte[])>();
        var fd = (int)socket.Handle;
        var data = new byte[2048];
        var control = new byte[512];
        var name = new byte[128];
        for (var guard = 0; guard < 1024; guard++)
        {
            nint received;
            MsgHdr header;
            fixed (byte* d = data)
            fixed (byte* c = control)
            fixed (byte* n = name)
            {
                var iov = new IoVec { Base = (IntPtr)d, Length = (UIntPtr)data.Length };
                header = new MsgHdr
                {
                    Name = (IntPtr)n,
                    NameLength = (uint)name.Length,
                    Iov = (IntPtr)(&iov),
                    IovLength = (UIntPtr)1,
                    Control = (IntPtr)c,
                    ControlLength = (UIntPtr)control.Length,
                    Flags = 0,
                };
                received = recvmsg(fd, ref header, MsgErrQueue | MsgDontWait);
            }

            if (received < 0)
            {
                break;
            }

            var original = data.AsSpan(0, (int)Math.Min(received, data.Length)).ToArray();
            foreach (var (level, type, payload) in ControlMessages(control, (int)header.ControlLength))
            {
                if ((level == SolIp && type == IpRecvErr) || (level == SolIpv6 && type == Ipv6RecvErr))
                {
                    if (ExtendedSocketError.TryParse(payload, out var error))
                    {
                        list.Add((error, original));
                    }
                }
            }
        }

        return list;
    }

    /// <summary>Walks a cmsghdr buffer (CMSG_FIRSTHDR / CMSG_NXTHDR).</summary>
    internal static IEnumerable<(int Level, int Type, byte[] Data)> ControlMessages(byte[] control, int length)
    {
        var word = IntPtr.Size;
        var headerSize = Align(word + 8, word);
        var offset = 0;
        length = Math.Min(length, control.Length);
        while (offset + headerSize <= length)
        {
            var cmsgLen = word == 8 ? (long)BitConverter.ToUInt64(control, offset) : BitConverter.ToUInt32(control, offset);
            if (cmsgLen < headerSize || offset + cmsgLen > length)
            {
                yield break;
            }

            var level = BitConverter.ToInt32(control, offset + word);
            var type = BitConverter.ToInt32(control, offset + word + 4);
            var data = new byte[cmsgLen - headerSize];
            Buffer.BlockCopy(control, offset + headerSize, data, 0, data.Length);
            yield return (level, type, data);
            offset += Align((int)cmsgLen, word);
        }
    }

    private static int Align(int value, int word) => (value + word - 1) & ~(word - 1);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recvmsg(int sockfd, ref MsgHdr msg, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public IntPtr Base;
        public UIntPtr Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public IntPtr Name;
        public uint NameLength;
        public IntPtr Iov;
        public UIntPtr IovLength;
        public IntPtr Control;
        public UIntPtr ControlLength;
        public int Flags;
    }
}
#endif
