using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Smtp;

/// <summary>The server side of one test connection: line reads, raw writes, and a record of every receive.</summary>
internal sealed class FakeSmtpSession : IDisposable
{
    private readonly List<byte[]> _chunks = new();
    private readonly MemoryStream _all = new();
    private readonly byte[] _buffer = new byte[65536];
    private Stream _stream;
    private int _start;
    private int _end;

    public FakeSmtpSession(Socket socket)
    {
        Socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket { get; }

    public Exception? HandlerError { get; set; }

    public TaskCompletionSource HandlerDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a read sees the client's FIN or a reset.</summary>
    public TaskCompletionSource ClientClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The message data received after 354, without the terminating ".".</summary>
    public byte[]? MessageData { get; set; }

    /// <summary>True once a full "CRLF . CRLF" ended the data: a delivered message.</summary>
    public bool Delivered { get; set; }

    public List<string> Commands { get; } = new();

    /// <summary>Data segments the server's socket had received when the end of data was recognised (Linux TCP_INFO).</summary>
    public long? DataSegmentsAtEndOfData { get; private set; }

    /// <summary>Each receive from the socket, in order (after TLS: decrypted reads).</summary>
    public IReadOnlyList<byte[]> Chunks
    {
        get
        {
            lock (_chunks)
            {
                return _chunks.ToArray();
            }
        }
    }

    public long TotalReceived
    {
        get
        {
            lock (_chunks)
            {
                return _all.Length;
            }
        }
    }

    public async Task WriteAsync(string text, CancellationToken ct)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await _stream.WriteAsync(bytes, ct);
        await _stream.FlushAsync(ct);
    }

    public async Task WriteBytesAsync(byte[] bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct);
        await _stream.FlushAsync(ct);
    }

    /// <summary>Reads one line without its CRLF; null when the client closed.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                return null;
            }

            while (_start < _end)
            {
                var b = _buffer[_start++];
                if (b == (byte)'\n')
                {
                    var text = Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r');
                    Commands.Add(text);
                    return text;
                }

                line.Add(b);
            }
        }
    }

    /// <summary>Reads message data until CRLF.CRLF (Delivered) or until the client closes (data kept, not delivered).</summary>
    public async Task ReadDataAsync(CancellationToken ct)
    {
        var data = new MemoryStream();
        var terminator = Encoding.ASCII.GetBytes("\r\n.\r\n");
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                MessageData = data.ToArray();
                return;
            }

            while (_start < _end)
            {
                data.WriteByte(_buffer[_start++]);
                if (data.Length >= terminator.Length && EndsWith(data, terminator))
                {
                    // Keep the CRLF before the dot: it ends the last line of the message.
                    data.SetLength(data.Length - 3);
                    MessageData = data.ToArray();
                    Delivered = true;
                    DataSegmentsAtEndOfData = MailFlowTools.Core.Net.TcpInfoReader.Read(Socket).DataSegmentsIn;
                    return;
                }
            }
        }
    }

    /// <summary>Waits until the client closes (or resets) the connection.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await FillAsync(cts.Token))
            {
                _start = _end;
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return ClientClosed.Task.IsCompleted;
        }
    }

    public async Task UpgradeToTlsAsync(X509Certificate2 certificate, CancellationToken ct)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, ct);
        _stream = ssl;
    }

    /// <summary>Resets the connection (RST) instead of closing it.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public void Dispose()
    {
        try
        {
            _stream.Dispose();
        }
        catch (Exception)
        {
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        int n;
        try
        {
            n = await _stream.ReadAsync(_buffer.AsMemory(), ct);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            ClientClosed.TrySetResult();
            return false;
        }

        if (n == 0)
        {
            ClientClosed.TrySetResult();
            return false;
        }

        lock (_chunks)
        {
            _chunks.Add(_buffer.AsSpan(0, n).ToArray());
            _all.Write(_buffer, 0, n);
        }

        _start = 0;
        _end = n;
        return true;
    }

    private static bool EndsWith(MemoryStream stream, byte[] suffix)
    {
        var buffer = stream.GetBuffer();
        var length = (int)stream.Length;
        return buffer.AsSpan(length - suffix.Length, suffix.Length).SequenceEqual(suffix);
    }

    public string ReceivedText()
    {
        lock (_chunks)
        {
            return Encoding.UTF8.GetString(_all.ToArray());
        }
    }

    public int ChunkIndexContaining(string text)
    {
        var chunks = Chunks;
        for (var i = 0; i < chunks.Count; i++)
        {
            if (Encoding.UTF8.GetString(chunks[i]).Contains(text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
