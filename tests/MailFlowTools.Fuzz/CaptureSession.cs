using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Fuzz;

/// <summary>One plain SMTP connection for <see cref="ReplyCapture"/>: raw writes, and replies read back byte for byte.</summary>
internal sealed class CaptureSession : IDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly SmtpReplyParser _parser = new();
    private readonly byte[] _buffer = new byte[65536];
    private byte[] _pending = Array.Empty<byte>();

    private CaptureSession(Socket socket) => _socket = socket;

    public static async Task<CaptureSession> OpenAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, cancellationToken);
        return new CaptureSession(socket);
    }

    public async Task WriteAsync(string text, CancellationToken cancellationToken) =>
        await _socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, cancellationToken);

    /// <summary>The exact bytes of the next <paramref name="count"/> replies (fewer if the server closes).</summary>
    public async Task<byte[]> ReadRepliesAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReplyTimeout);
        while (count > 0)
        {
            if (_pending.Length == 0)
            {
                var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    break;
                }

                _pending = _buffer.AsSpan(0, n).ToArray();
            }

            var reply = _parser.Feed(_pending, out var consumed);
            bytes.AddRange(_pending.AsSpan(0, consumed).ToArray());
            _pending = _pending.AsSpan(consumed).ToArray();
            if (reply is not null)
            {
                count--;
            }
        }

        return bytes.ToArray();
    }

    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();
}
