using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// A loopback DNS server on one port for UDP and TCP. By default it answers from a <see cref="FakeZone"/> and
/// truncates UDP answers to the client's buffer the way Knot and BIND do (as many answer records as fit, TC=1).
/// Knobs simulate paths and broken servers: drop UDP answers above N bytes (lost fragments), no TCP listener,
/// a silent TCP listener, or a raw handler that sends anything at all.
/// </summary>
internal sealed class FakeDnsServer : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Socket _udp;
    private readonly Socket? _otherSource;
    private readonly TcpListener? _tcp;
    private readonly List<TcpClient> _connections = new();
    private int _udpQueries;
    private int _tcpQueries;
    private int _tcpConnections;
    private int _droppedUdp;

    public FakeDnsServer(FakeZone? zone = null, bool ipv6 = false, bool tcp = true, Action<FakeDnsServer>? configure = null)
    {
        Zone = zone ?? new FakeZone();
        configure?.Invoke(this);
        var address = ipv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(address, 0));
            var endPoint = (IPEndPoint)udp.LocalEndPoint!;
            if (!tcp)
            {
                _udp = udp;
                EndPoint = endPoint;
                break;
            }

            try
            {
                var listener = new TcpListener(endPoint);
                listener.Start();
                _udp = udp;
                _tcp = listener;
                EndPoint = endPoint;
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
            }
        }

        _otherSource = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _otherSource.Bind(new IPEndPoint(AlternateSource ?? address, 0));
        _ = Task.Run(UdpLoopAsync);
        if (_tcp is not null)
        {
            _ = Task.Run(TcpLoopAsync);
        }
    }

    public IPEndPoint EndPoint { get; }

    public FakeZone Zone { get; }

    /// <summary>UDP answers larger than this are silently dropped, as when a firewall drops their fragments.</summary>
    public int? UdpDropAbove { get; set; }

    /// <summary>Accept TCP connections but never answer on them.</summary>
    public bool TcpSilent { get; set; }

    /// <summary>Truncate UDP answers to the client's buffer (off: send whatever size, as a broken server would).</summary>
    public bool HonorBufferSize { get; set; } = true;

    /// <summary>Leave the OPT record out of truncated answers.</summary>
    public bool TruncateWithoutOpt { get; set; }

    /// <summary>Drop every UDP query (no answer at all over UDP).</summary>
    public bool UdpSilent { get; set; }

    /// <summary>Source address for <see cref="FakeReply.FromOtherSource"/> replies (default: same address, other port).</summary>
    public IPAddress? AlternateSource { get; set; }

    /// <summary>When set, decides everything sent back: raw query bytes in, replies out.</summary>
    public Func<byte[], DnsTransport, IReadOnlyList<FakeReply>>? RawHandler { get; set; }

    public int UdpQueries => Volatile.Read(ref _udpQueries);

    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    public int TcpConnections => Volatile.Read(ref _tcpConnections);

    public int DroppedUdp => Volatile.Read(ref _droppedUdp);

    /// <summary>The answer (truncated when needed) a well-behaved server gives over UDP.</summary>
    public static byte[] EncodeUdp(DnsMessage query, DnsMessage response, bool honorBuffer, bool truncateWithoutOpt)
    {
        var full = DnsMessageWriter.Write(response);
        var limit = query.Edns is null ? 512 : Math.Max(512, (int)query.Edns.UdpPayloadSize);
        if (!honorBuffer || full.Length <= limit)
        {
            return full;
        }

        // Keep as many whole answer records as fit, then set TC (Knot and BIND behave alike).
        var edns = truncateWithoutOpt ? null : response.Edns;
        for (var count = response.Answers.Count; count >= 0; count--)
        {
            var truncated = new DnsMessage
            {
                Id = response.Id,
                IsResponse = true,
                IsAuthoritative = response.IsAuthoritative,
                IsTruncated = true,
                RecursionDesired = response.RecursionDesired,
                ResponseCode = response.ResponseCode,
                Questions = response.Questions,
                Answers = response.Answers.Take(count).ToList(),
                Edns = edns,
            };
            var bytes = DnsMessageWriter.Write(truncated);
            if (bytes.Length <= limit)
            {
                return bytes;
            }
        }

        return full;
    }

    /// <summary>
    /// Closes every socket at once and does not wait for the loops (they end on their closed sockets): blocking
    /// here would tie up thread-pool threads that concurrently running cases need.
    /// </summary>
    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _otherSource?.Dispose();
        _tcp?.Stop();

        // The accept loop checks the stop flag under this lock, so no connection can be added after it.
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Dispose();
            }

            _connections.Clear();
        }
    }

    private async Task UdpLoopAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = EndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            Interlocked.Increment(ref _udpQueries);
            var data = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            var client = received.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                try
                {
                    foreach (var reply in Replies(data, DnsTransport.Udp))
                    {
                        if (reply.DelayMs > 0)
                        {
                            await Task.Delay(reply.DelayMs, _stop.Token);
                        }

                        if (UdpDropAbove is { } limit && reply.Data.Length > limit)
                        {
                            Interlocked.Increment(ref _droppedUdp);
                            continue;
                        }

                        var socket = reply.FromOtherSource ? _otherSource! : _udp;
                        for (var i = 0; i < reply.Copies; i++)
                        {
                            await socket.SendToAsync(reply.Data, SocketFlags.None, client, _stop.Token);
                        }
                    }
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                }
                catch (SocketException)
                {
                }
            });
        }
    }

    private async Task TcpLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp!.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _tcpConnections);
            lock (_connections)
            {
                if (_stop.IsCancellationRequested)
                {
                    client.Dispose();
                    return;
                }

                _connections.Add(client);
            }

            _ = Task.Run(() => ServeTcpAsync(client));
        }
    }

    private async Task ServeTcpAsync(TcpClient client)
    {
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                var length = new byte[2];
                while (!_stop.IsCancellationRequested)
                {
                    await stream.ReadExactlyAsync(length, _stop.Token);
                    var message = new byte[(length[0] << 8) | length[1]];
                    await stream.ReadExactlyAsync(message, _stop.Token);
                    Interlocked.Increment(ref _tcpQueries);
                    if (TcpSilent)
                    {
                        continue;
                    }

                    foreach (var reply in Replies(message, DnsTransport.Tcp))
                    {
                        if (reply.DelayMs > 0)
                        {
                            await Task.Delay(reply.DelayMs, _stop.Token);
                        }

                        for (var i = 0; i < reply.Copies; i++)
                        {
                            if (reply.Framed)
                            {
                                await stream.WriteAsync(new[] { (byte)(reply.Data.Length >> 8), (byte)reply.Data.Length }, _stop.Token);
                            }

                            await stream.WriteAsync(reply.Data, _stop.Token);
                        }

                        if (reply.CloseAfter)
                        {
                            return;
                        }
                    }
                }
            }
        }
        catch (Exception)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(client);
            }
        }
    }

    private IReadOnlyList<FakeReply> Replies(byte[] data, DnsTransport transport)
    {
        if (RawHandler is not null)
        {
            return RawHandler(data, transport);
        }

        if (transport == DnsTransport.Udp && UdpSilent)
        {
            return Array.Empty<FakeReply>();
        }

        if (!DnsMessageReader.TryRead(data, out var query, out _) || query!.Question is null)
        {
            return Array.Empty<FakeReply>();
        }

        var response = Zone.Answer(query);
        var bytes = transport == DnsTransport.Udp
            ? EncodeUdp(query, response, HonorBufferSize, TruncateWithoutOpt)
            : DnsMessageWriter.Write(response);
        return new[] { new FakeReply(bytes) };
    }
}
