using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// A bare SMTP client connection for path probes: optional MSS clamp before connect, Nagle off, a background
/// reader that counts replies, and (Linux) TCP_INFO. Private to PathMtu until the shared SMTP engine lands.
/// </summary>
internal sealed class SmtpProbeConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16384];
    private readonly object _gate = new();
    private TaskCompletionSource<bool> _changed = NewSignal();
    private Task? _reader;
    private int _disposed;

    private SmtpProbeConnection(Socket socket, IPEndPoint remote)
    {
        _socket = socket;
        Remote = remote;
    }

    public IPEndPoint Remote { get; }

    public bool IsIPv6 => Remote.AddressFamily == AddressFamily.InterNetworkV6;

    public SmtpReplyCounter Replies { get; } = new();

    /// <summary>True once the server closed the connection or the read failed.</summary>
    public bool Closed { get; private set; }

    public static bool TcpInfoAvailable =>
#if NET8_0_OR_GREATER
        OperatingSystem.IsLinux();
#else
        false;
#endif

    /// <summary>Connects within <paramref name="timeout"/>; throws <see cref="SocketException"/> or <see cref="TimeoutException"/>.</summary>
    public static async Task<SmtpProbeConnection> ConnectAsync(IPEndPoint remote, int? maxSegment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (maxSegment is { } mss)
            {
                SetMaxSegment(socket, mss);
            }

#if NET8_0_OR_GREATER
            using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                cts.CancelAfter(timeout);
                try
                {
                    await socket.ConnectAsync(remote, cts.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException("No TCP handshake within " + timeout.TotalSeconds + " s.");
                }
            }
#else
            var connect = socket.ConnectAsync(remote);
            var delay = Task.Delay(timeout, cancellationToken);
            if (await Task.WhenAny(connect, delay) != connect)
            {
                socket.Dispose();
                _ = connect.ContinueWith(t => t.Exception, TaskScheduler.Default);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException("No TCP handshake within " + timeout.TotalSeconds + " s.");
            }

            await connect;
#endif
            var connection = new SmtpProbeConnection(socket, remote);
            connection._reader = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The EHLO argument: an address literal of our end (RFC 5321 4.1.3), which needs no DNS name.</summary>
    public string EhloArgument()
    {
        var local = (_socket.LocalEndPoint as IPEndPoint)?.Address;
        if (local is null)
        {
            return "[127.0.0.1]";
        }

        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        if (local.AddressFamily == AddressFamily.InterNetworkV6)
        {
            local = new IPAddress(local.GetAddressBytes());
            return "[IPv6:" + local + "]";
        }

        return "[" + local + "]";
    }

    /// <summary>Waits until at least <paramref name="count"/> complete replies arrived; false on timeout or close.</summary>
    public async Task<bool> WaitForRepliesAsync(int count, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (Replies.Count >= count)
                {
                    return true;
                }

                if (Closed)
                {
                    return false;
                }

                signal = _changed.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.WhenAny(signal, Task.Delay(remaining, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public int ReplyCount
    {
        get
        {
            lock (_gate)
            {
                return Replies.Count;
            }
        }
    }

    public string ReplyLine(int index)
    {
        lock (_gate)
        {
            return index < Replies.Count ? SmtpReplyCounter.Printable(Replies.FirstLineOf(index)) : string.Empty;
        }
    }

    public int ReplyCode(int index)
    {
        lock (_gate)
        {
            return index < Replies.Count ? Replies.CodeOf(index) : 0;
        }
    }

    /// <summary>Writes everything in one send call, so with Nagle off the stack cuts it only at the MSS.</summary>
    public async Task SendAsync(byte[] data, CancellationToken cancellationToken)
    {
#if NET8_0_OR_GREATER
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await _socket.SendAsync(data.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
#else
        var sent = 0;
        while (sent < data.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sent += await _socket.SendAsync(new ArraySegment<byte>(data, sent, data.Length - sent), SocketFlags.None);
        }
#endif
    }

    public Task SendLineAsync(string line, CancellationToken cancellationToken) => SendAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);

    /// <summary>Linux TCP_INFO, or null elsewhere or when the call fails.</summary>
    public TcpInfoSnapshot? TcpInfo()
    {
#if NET8_0_OR_GREATER
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _disposed) != 0)
        {
            return null;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[256];
            var length = _socket.GetRawSocketOption(LinuxSockets.SolTcp, LinuxSockets.TcpInfo, buffer);
            return TcpInfoSnapshot.Parse(buffer.Slice(0, length));
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
#else
        return null;
#endif
    }

    /// <summary>Says goodbye politely (QUIT, brief wait for 221) without ever failing.</summary>
    public async Task QuitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            var before = ReplyCount;
            await SendLineAsync("QUIT", cancellationToken);
            await WaitForRepliesAsync(before + 1, wait, cancellationToken);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Ends the connection with a reset. Data lost on the path keeps an orderly FIN queued behind it, so the
    /// server would wait out its own timeout holding a process (Postfix: 60-300 s); a reset is small enough to
    /// cross any black hole and frees it at once.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    private static void SetMaxSegment(Socket socket, int mss)
    {
#if NET8_0_OR_GREATER
        Span<byte> value = stackalloc byte[4];
        BitConverter.TryWriteBytes(value, mss);

        // TCP_MAXSEG is 2 on Linux and macOS, 4 on Windows.
        socket.SetRawSocketOption(6, RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? 4 : 2, value);
#else
        socket.SetSocketOption(SocketOptionLevel.Tcp, (SocketOptionName)(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? 4 : 2), mss);
#endif
    }

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(new ArraySegment<byte>(_buffer), SocketFlags.None);
                if (n <= 0)
                {
                    break;
                }

                TaskCompletionSource<bool> changed;
                lock (_gate)
                {
                    Replies.Feed(_buffer, 0, n);
                    changed = _changed;
                    _changed = NewSignal();
                }

                changed.TrySetResult(true);
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        TaskCompletionSource<bool> last;
        lock (_gate)
        {
            Closed = true;
            last = _changed;
        }

        last.TrySetResult(true);
    }
}
