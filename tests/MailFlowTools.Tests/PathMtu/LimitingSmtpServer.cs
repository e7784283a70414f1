using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// A loopback SMTP server with the limits real MTAs have: PIPELINING offered or not (OpenSMTPD answers a
/// group with "500 5.5.1 Invalid command: Pipelining not supported" and ends the session), a cap on non-mail
/// commands (Exim: RSET and NOOP, 10 by default, then "554 Too many nonmail commands" and a close), and a cap
/// on sessions (later ones get "421 too many connections"). Counts what clients did; every wait is bounded.
/// </summary>
internal sealed class LimitingSmtpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _sessions;
    private int _commands;
    private int _pipeliningViolations;

    public LimitingSmtpServer(bool pipelining, int nonMailLimit = int.MaxValue, int maxSessions = int.MaxValue)
    {
        Pipelining = pipelining;
        NonMailLimit = nonMailLimit;
        MaxSessions = maxSessions;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(64);
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public bool Pipelining { get; }

    public int NonMailLimit { get; }

    public int MaxSessions { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Sessions => Volatile.Read(ref _sessions);

    public int Commands => Volatile.Read(ref _commands);

    /// <summary>Reads after EHLO that held more than one command although PIPELINING was not offered.</summary>
    public int PipeliningViolations => Volatile.Read(ref _pipeliningViolations);

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

            var number = Interlocked.Increment(ref _sessions);
            _ = Task.Run(() => SessionAsync(client, number));
        }
    }

    private async Task SessionAsync(Socket client, int number)
    {
        using (client)
        {
            var buffer = new byte[65536];
            var pending = new StringBuilder();
            var nonMail = 0;
            try
            {
                if (number > MaxSessions)
                {
                    await SendAsync(client, "421 4.7.0 too many connections from your host\r\n");
                    return;
                }

                await SendAsync(client, "220 limiting ESMTP test\r\n");
                while (!_stop.IsCancellationRequested)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(15));
                    var n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, timeout.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    pending.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    var text = pending.ToString();
                    var lines = new List<string>();
                    int nl;
                    while ((nl = text.IndexOf('\n', StringComparison.Ordinal)) >= 0)
                    {
                        lines.Add(text.Substring(0, nl).TrimEnd('\r'));
                        text = text.Substring(nl + 1);
                    }

                    pending.Clear().Append(text);
                    if (!Pipelining && (lines.Count > 1 || (lines.Count == 1 && text.Length > 0)))
                    {
                        Interlocked.Increment(ref _pipeliningViolations);
                        await SendAsync(client, "500 5.5.1 Invalid command: Pipelining not supported\r\n");
                        return;
                    }

                    var replies = new StringBuilder();
                    foreach (var line in lines)
                    {
                        Interlocked.Increment(ref _commands);
                        var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                        if (verb is "RSET" or "NOOP" && ++nonMail > NonMailLimit)
                        {
                            await SendAsync(client, replies + "554 Too many nonmail commands\r\n");
                            return;
                        }

                        switch (verb)
                        {
                            case "EHLO":
                                replies.Append("250-limiting\r\n250-SIZE 10240000\r\n").Append(Pipelining ? "250-PIPELINING\r\n" : string.Empty).Append("250 HELP\r\n");
                                break;
                            case "QUIT":
                                await SendAsync(client, replies + "221 bye\r\n");
                                return;
                            default:
                                replies.Append("250 OK\r\n");
                                break;
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
