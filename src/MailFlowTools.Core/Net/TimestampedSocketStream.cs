#if NET8_0_OR_GREATER
using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Net;

/// <summary>
/// A stream over a connected Linux TCP socket that records when the kernel received the bytes each read returned
/// (SO_TIMESTAMPNS on recvmsg), so stage clocks do not include the time a busy machine takes to wake the reader.
/// Reads wait with a zero-byte receive and then call recvmsg without blocking. Use <see cref="TryCreate"/>:
/// it returns null where the option is not available, and callers fall back to NetworkStream.
/// </summary>
internal sealed class TimestampedSocketStream : Stream
{
    private const int SolSocket = 1;
    private const int SoTimestampNs = 35; // SO_TIMESTAMPNS_OLD; also SCM_TIMESTAMPNS
    private const int MsgDontWait = 0x40;
    private const int Eagain = 11;
    private const int Eintr = 4;

    private readonly Socket _socket;
    private readonly byte[] _control = new byte[128];

    private TimestampedSocketStream(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Stopwatch timestamp of the kernel's receipt of the last byte the last read returned; 0 when unknown.</summary>
    public long LastReceiveTimestamp { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Turns kernel receive timestamps on. Call before connecting: data that arrives before the option is set
    /// (a fast greeting) carries no timestamp.
    /// </summary>
    public static bool TryEnable(Socket socket)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || IntPtr.Size != 8)
        {
            return false;
        }

        try
        {
            socket.SetRawSocketOption(SolSocket, SoTimestampNs, BitConverter.GetBytes(1));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or PlatformNotSupportedException or ObjectDisposedException)
        {
            return false;
        }
    }

    public static TimestampedSocketStream? TryCreate(Socket socket)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || IntPtr.Size != 8)
        {
            return null;
        }

        try
        {
            socket.SetRawSocketOption(SolSocket, SoTimestampNs, BitConverter.GetBytes(1));
            return new TimestampedSocketStream(socket);
        }
        catch (Exception ex) when (ex is SocketException or PlatformNotSupportedException or ObjectDisposedException)
        {
            return null;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (true)
        {
            var n = Receive(buffer.Span);
            if (n >= 0)
            {
                return n;
            }

            // Nothing queued: wait until the kernel has data, without consuming it.
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            var n = await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken);
            buffer = buffer.Slice(n);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>One non-blocking recvmsg: bytes read (0 at end of stream), or -1 when nothing is queued.</summary>
    private unsafe int Receive(Span<byte> destination)
    {
        long received;
        int controlLength;
        fixed (byte* data = destination)
        fixed (byte* control = _control)
        {
            var iov = new IoVec { Base = data, Length = (nuint)destination.Length };
            var msg = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)_control.Length };
            received = RecvMsg((int)_socket.Handle, &msg, MsgDontWait);
            controlLength = (int)msg.ControlLength;
            if (received < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno is Eagain or Eintr)
                {
                    return -1;
                }

                throw new IOException("Unable to read data from the transport connection.", new SocketException(errno == 104 ? (int)SocketError.ConnectionReset : errno));
            }
        }

        var nowWall = DateTime.UtcNow;
        var nowTicks = Stopwatch.GetTimestamp();
        LastReceiveTimestamp = nowTicks;
        if (TryReadTimestamp(controlLength, out var seconds, out var nanoseconds))
        {
            // Age of the data = wall clock now − kernel receive time; apply it to the monotonic clock.
            var kernelTicks = (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100) + DateTime.UnixEpoch.Ticks;
            var age = nowWall.Ticks - kernelTicks;
            if (age >= 0 && age < TimeSpan.TicksPerMinute)
            {
                LastReceiveTimestamp = nowTicks - (long)(age * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
            }
        }

        return (int)received;
    }

    private bool TryReadTimestamp(int controlLength, out long seconds, out long nanoseconds)
    {
        seconds = nanoseconds = 0;
        var offset = 0;
        while (offset + 16 <= controlLength)
        {
            var length = (int)BitConverter.ToUInt64(_control, offset);
            var level = BitConverter.ToInt32(_control, offset + 8);
            var type = BitConverter.ToInt32(_control, offset + 12);
            if (length < 16 || offset + length > controlLength)
            {
                return false;
            }

            if (level == SolSocket && type == SoTimestampNs && length >= 32)
            {
                seconds = BitConverter.ToInt64(_control, offset + 16);
                nanoseconds = BitConverter.ToInt64(_control, offset + 24);
                return true;
            }

            offset += (length + 7) & ~7;
        }

        return false;
    }

    [DllImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static extern unsafe long RecvMsg(int socket, MsgHdr* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
#endif
