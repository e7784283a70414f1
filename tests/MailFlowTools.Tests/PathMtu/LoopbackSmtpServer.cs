using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// A minimal SMTP server on loopback that answers every command with 250, except that it goes silent for the
/// rest of a session when the first read after EHLO is exactly one of <see cref="SilentSizes"/> bytes:
/// a stand-in for a middlebox that loses particular segment sizes.
/// </summary>
internal sealed class LoopbackSmtpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _sessions;

    public LoopbackSmtpServer(IPAddress address, params int[] silentSizes)
    {
        SilentSizes = silentSizes;
        _listener = new TcpListener(address, 0);
        _listener.Start(64);
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public int[] SilentSizes { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Byte counts of the first read after EHLO, per session.</summary>
    public ConcurrentBag<int> FirstWrites { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _sessions);
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[65536];
            var pending = new StringBuilder();
            var afterEhlo = false;
            var judged = false;
            var silent = false;
            try
            {
                await SendAsync(client, "220 loopback ESMTP test\r\n");
                while (!_stop.IsCancellationRequested)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(15));
                    var n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, timeout.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    if (afterEhlo && !judged)
                    {
                        judged = true;
                        FirstWrites.Add(n);
                        silent = SilentSizes.Contains(n);
                    }

                    if (silent)
                    {
                        continue;
                    }

                    pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    var replies = new StringBuilder();
                    string text;
                    int nl;
                    while ((nl = (text = pending.ToString()).IndexOf('\n', StringComparison.Ordinal)) >= 0)
                    {
                        var line = text.Substring(0, nl).TrimEnd('\r');
                        pending.Remove(0, nl + 1);
                        if (line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase))
                        {
                            replies.Append("250-loopback\r\n250 PIPELINING\r\n");
                            afterEhlo = true;
                        }
                        else if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
                        {
                            await SendAsync(client, replies + "221 bye\r\n");
                            return;
                        }
                        else
                        {
                            replies.Append("250 2.0.0 Ok\r\n");
                        }
                    }

                    if (replies.Length > 0)
                    {
                        await SendAsync(client, replies.ToString());
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
        }
    }

    private static Task<int> SendAsync(Socket client, string text) => client.SendAsync(Encoding.ASCII.GetBytes(text).AsMemory(), SocketFlags.None).AsTask();
}
