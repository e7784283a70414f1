using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// The shared <see cref="SmtpConnection"/> as a path probe needs it: replies are read in the background and
/// counted while the caller watches TCP_INFO, the wait for replies restarts on progress, and a probe that
/// failed is ended with a reset so the server does not hold a process until its own timeout.
/// </summary>
internal sealed class SmtpProbeConnection : IDisposable
{
    private readonly SmtpConnection _connection;
    private readonly List<SmtpReply> _replies = new();
    private readonly object _gate = new();
    private TaskCompletionSource<bool> _changed = NewSignal();

    private SmtpProbeConnection(SmtpConnection connection)
    {
        _connection = connection;
        _ = Task.Run(ReadLoopAsync, CancellationToken.None);
    }

    public bool IsIPv6 => _connection.RemoteEndPoint.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>True once the server closed the connection or the read failed.</summary>
    public bool Closed { get; private set; }

    public int ReplyCount
    {
        get
        {
            lock (_gate)
            {
                return _replies.Count;
            }
        }
    }

    /// <summary>
    /// Connects with the MSS clamped (when given) and Nagle off. Throws <see cref="SmtpConnectionException"/>
    /// (refused, timeout, unreachable) or <see cref="Errors.MailFlowException"/> (SocketOptionUnsupported).
    /// </summary>
    public static async Task<SmtpProbeConnection> ConnectAsync(IPEndPoint remote, int? maxSegment, TimeSpan timeout, IEngineReporter reporter, string session, CancellationToken cancellationToken)
    {
        var settings = new SmtpConnectionSettings { MaxSegmentSize = maxSegment, NoDelay = true };
        var connection = await SmtpConnection.ConnectAsync(remote, settings, session, reporter, timeout, cancellationToken);
        return new SmtpProbeConnection(connection);
    }

    /// <summary>The EHLO argument: an address literal of our end (RFC 5321 4.1.3), which needs no DNS name.</summary>
    public string EhloArgument()
    {
        var local = _connection.LocalEndPoint.Address;
        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        return local.AddressFamily == AddressFamily.InterNetworkV6
            ? "[IPv6:" + new IPAddress(local.GetAddressBytes()) + "]"
            : "[" + local + "]";
    }

    /// <summary>Waits until at least <paramref name="count"/> replies arrived; false on timeout or close.</summary>
    public async Task<bool> WaitForRepliesAsync(int count, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_replies.Count >= count)
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

    /// <summary>First line of reply <paramref name="index"/> (0 = banner), shortened for evidence.</summary>
    public string ReplyLine(int index)
    {
        lock (_gate)
        {
            if (index >= _replies.Count)
            {
                return string.Empty;
            }

            var reply = _replies[index];
            var text = reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (reply.Lines.Count > 0 ? reply.Lines[0] : string.Empty);
            return text.Length <= 120 ? text : text.Substring(0, 119) + "…";
        }
    }

    /// <summary>Whether reply <paramref name="index"/> (an EHLO reply) lists <paramref name="keyword"/> as an extension.</summary>
    public bool Advertises(int index, string keyword)
    {
        lock (_gate)
        {
            if (index >= _replies.Count || _replies[index].Code != 250)
            {
                return false;
            }

            // The first line is the greeting; each later line starts with one keyword.
            for (var i = 1; i < _replies[index].Lines.Count; i++)
            {
                var line = _replies[index].Lines[i].Trim();
                var end = line.IndexOf(' ');
                if (string.Equals(end < 0 ? line : line.Substring(0, end), keyword, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public int ReplyCode(int index)
    {
        lock (_gate)
        {
            return index < _replies.Count ? _replies[index].Code : 0;
        }
    }

    /// <summary>Writes everything in one write, so with Nagle off the stack cuts it only at the MSS.</summary>
    public Task SendAsync(byte[] data, TimeSpan timeout, CancellationToken cancellationToken, string? transcriptText = null) =>
        _connection.WriteAsync(data, 0, data.Length, timeout, cancellationToken, transcriptText);

    public Task SendLineAsync(string line, TimeSpan timeout, CancellationToken cancellationToken) =>
        SendAsync(Encoding.ASCII.GetBytes(line + "\r\n"), timeout, cancellationToken, line);

    /// <summary>TCP_INFO now (unavailable where the OS gives none).</summary>
    public TcpInfoSnapshot TcpInfo() => _connection.ReadTcpInfo();

    /// <summary>Says goodbye politely (QUIT, brief wait for 221) without ever failing.</summary>
    public async Task QuitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            var before = ReplyCount;
            await SendLineAsync("QUIT", wait, cancellationToken);
            await WaitForRepliesAsync(before + 1, wait, cancellationToken);
        }
        catch (SmtpConnectionException)
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
        try
        {
            _connection.Socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _connection.Abort();
    }

    public void Dispose() => _connection.Close();

    /// <summary>The IP packet size of a full segment on this connection: payload + TCP header and options + IP header.</summary>
    public static int? FullSegmentPacketSize(TcpInfoSnapshot info, bool ipv6) =>
        info.SendMss is int mss && info.Options is int options
            ? mss + ((options & 1) != 0 ? 12 : 0) + 20 + (ipv6 ? 40 : 20)
            : null;

    private static TaskCompletionSource<bool> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var reply = await _connection.ReadReplyAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
                TaskCompletionSource<bool> changed;
                lock (_gate)
                {
                    _replies.Add(reply);
                    changed = _changed;
                    _changed = NewSignal();
                }

                changed.TrySetResult(true);
            }
        }
        catch (Exception ex) when (ex is SmtpConnectionException or OperationCanceledException or ObjectDisposedException)
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
