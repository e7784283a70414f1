using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// A loopback SMTP server for tests. Each accepted connection runs <c>handler</c>; the session records every
/// receive as a separate chunk so tests can see how the client's writes arrived. Every wait is bounded.
/// </summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<FakeSmtpSession, CancellationToken, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = new();
    private readonly List<FakeSmtpSession> _sessions = new();
    private readonly Task _acceptLoop;

    public FakeSmtpServer(Func<FakeSmtpSession, CancellationToken, Task> handler, IPAddress? address = null, int receiveBufferSize = 0)
    {
        _handler = handler;
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        if (receiveBufferSize > 0)
        {
            // Set on the listener so accepted sockets start with a small window (a server that stops reading stalls fast).
            _listener.Server.ReceiveBufferSize = receiveBufferSize;
        }

        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<FakeSmtpSession> Sessions
    {
        get
        {
            lock (_sessions)
            {
                return _sessions.ToArray();
            }
        }
    }

    public FakeSmtpSession? LastSession
    {
        get
        {
            lock (_sessions)
            {
                return _sessions.Count == 0 ? null : _sessions[_sessions.Count - 1];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = _tasks.ToArray();
        }

        foreach (var s in Sessions)
        {
            s.Dispose();
        }

        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(2000));
        await Task.WhenAny(_acceptLoop, Task.Delay(1000));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            var session = new FakeSmtpSession(socket);
            lock (_sessions)
            {
                _sessions.Add(session);
            }

            var task = Task.Run(async () =>
            {
                try
                {
                    await _handler(session, _stop.Token);
                }
                catch (Exception ex)
                {
                    session.HandlerError = ex;
                }
                finally
                {
                    session.HandlerDone.TrySetResult();
                }
            });
            lock (_tasks)
            {
                _tasks.Add(task);
            }
        }
    }
}
