using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.MxPath;

/// <summary>Incident 5's MX: completes the TCP handshake and never sends a byte. Holds sockets until disposed.</summary>
internal sealed class SilentListener : IDisposable
{
    private readonly TcpListener _listener;
    private readonly List<Socket> _accepted = new();
    private readonly CancellationTokenSource _stop = new();

    public SilentListener(IPEndPoint endPoint)
    {
        _listener = new TcpListener(endPoint);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted
    {
        get
        {
            lock (_accepted)
            {
                return _accepted.Count;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            foreach (var s in _accepted)
            {
                s.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }
            }
            catch (Exception)
            {
                return;
            }
        }
    }
}
