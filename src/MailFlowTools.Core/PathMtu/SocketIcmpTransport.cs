using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Echo probes over one socket: sends a whole round back to back (in short bursts), matches replies and
/// errors to probes by sequence number (and identifier, when the socket sees other processes' traffic),
/// and ends the round when every probe is answered or the wait policy says the rest are lost.
/// </summary>
internal abstract class SocketIcmpTransport : IIcmpEchoTransport
{
    private readonly ConcurrentDictionary<ushort, PendingProbe> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly int _burst;
    private Task? _receiveLoop;
    private int _sequence;
    private RoundWaitPolicy? _wait;

    protected SocketIcmpTransport(Socket socket, IPAddress target, int burst)
    {
        Socket = socket;
        Target = target;
        IsIPv6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        _burst = Math.Max(1, burst);
        Identifier = (ushort)new Random().Next(1, 65535);
        _sequence = new Random().Next(0, 30000);
    }

    public abstract string Name { get; }

    public virtual bool SeesTooBig => true;

    protected Socket Socket { get; }

    protected IPAddress Target { get; }

    protected bool IsIPv6 { get; }

    protected ushort Identifier { get; }

    /// <summary>Raw sockets see every ICMP message on the host, so replies are matched on our identifier too.</summary>
    protected abstract bool MatchIdentifier { get; }

    public async Task<IReadOnlyList<MtuProbeAttempt>> RunRoundAsync(IReadOnlyList<ProbeRequest> requests, RoundWaitPolicy wait, CancellationToken cancellationToken)
    {
        _wait = wait;
        _receiveLoop ??= Task.Run(ReceiveLoopAsync, CancellationToken.None);
        var endpoint = new IPEndPoint(Target, 0);
        var probes = new List<PendingProbe>(requests.Count);
        var lastSend = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = requests[i];
            var sequence = (ushort)Interlocked.Increment(ref _sequence);
            var probe = new PendingProbe(request, MtuProbeMethod.Icmp);
            probes.Add(probe);
            if (request.Size < IcmpPacket.MinPacketSize(IsIPv6))
            {
                probe.Complete(MtuProbeOutcome.Error, detail: "size below the echo header");
                continue;
            }

            _pending[sequence] = probe;
            var packet = IcmpPacket.EchoRequest(IsIPv6, Identifier, sequence, request.Size);
            probe.SentTimestamp = Stopwatch.GetTimestamp();
            var error = Send(packet, endpoint);
            if (error is not null)
            {
                _pending.TryRemove(sequence, out _);
                CompleteFromSendError(probe, error);
            }

            lastSend = Stopwatch.GetTimestamp();
            if ((i + 1) % _burst == 0 && i + 1 < requests.Count)
            {
                PauseBetweenBursts();
            }
        }

        var all = Task.WhenAll(probes.Select(p => p.Task));
        var known = false;
        while (!all.IsCompleted)
        {
            PollErrors();
            if (KnownBoundary.IsKnown(probes))
            {
                // The "too big" told the answer: no waiting for the larger probes still out.
                known = true;
                break;
            }

            var waited = TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - lastSend) * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            var remaining = wait.CurrentWait() - waited;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var slice = remaining < TimeSpan.FromMilliseconds(5) ? remaining : TimeSpan.FromMilliseconds(5);
            await Task.WhenAny(all, Task.Delay(slice, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        PollErrors();
        if (_receiveLoop.IsFaulted)
        {
            var error = _receiveLoop.Exception!.GetBaseException();
            throw new MailFlowException(ErrorIds.ProbeFailed, MailFlowErrorCategory.NotSpecified, $"Reading ICMP replies failed: {error.Message}", Target.ToString(), innerException: error);
        }

        foreach (var pair in _pending.ToArray())
        {
            if (probes.Contains(pair.Value))
            {
                _pending.TryRemove(pair.Key, out _);
                if (!known)
                {
                    pair.Value.Complete(MtuProbeOutcome.Lost, detail: "no reply within " + Math.Round(wait.CurrentWait().TotalMilliseconds) + " ms");
                }
            }
        }

        // With the boundary known, the probes still out are not recorded: neither lost nor answered, only not waited for.
        return probes.Where(p => p.Task.IsCompleted).Select(p => p.Task.Result).ToList();
    }

    /// <summary>
    /// The gap between bursts, kept on the clock: a timer wait of "1 ms" lasts 1–2 ms on Linux (timer tick plus a
    /// thread-pool hop), and the five or six gaps of a first round were most of its time. A quarter millisecond
    /// still spaces the bursts (16 probes of at most 1500 bytes each, about 100 MB/s at the most).
    /// </summary>
    private static void PauseBetweenBursts()
    {
        var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 4000);
        while (Stopwatch.GetTimestamp() < until)
        {
            Thread.SpinWait(20);
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        Socket.Dispose();
        try
        {
            _receiveLoop?.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // The loop ends by failing on the closed socket.
        }

        _closing.Dispose();
    }

    /// <summary>Decode one received datagram.</summary>
    protected abstract bool TryDecode(ReadOnlySpan<byte> datagram, IPAddress? from, out IcmpEvent icmpEvent);

    /// <summary>Read errors the socket reports out of band (the Linux error queue of ICMP datagram sockets).</summary>
    protected virtual void PollErrors()
    {
    }

    /// <summary>Settle a probe from an error that names its sequence number.</summary>
    protected void CompleteBySequence(ushort sequence, MtuProbeOutcome outcome, int? mtu, IPAddress? reportedBy, string detail)
    {
        if (_pending.TryRemove(sequence, out var probe))
        {
            var rtt = probe.ElapsedMs;
            if (outcome != MtuProbeOutcome.LocalTooBig)
            {
                _wait?.Observe(TimeSpan.FromMilliseconds(rtt));
            }

            probe.Complete(outcome, outcome == MtuProbeOutcome.LocalTooBig ? null : rtt, mtu, reportedBy?.ToString(), detail);
        }
    }

    /// <summary>
    /// Sends one probe. With IP_RECVERR an ICMP error for an earlier probe leaves a pending socket error that
    /// the next send returns instead of sending; that error is collected and the send repeated, so only a
    /// send that keeps failing counts against this probe.
    /// </summary>
    private SocketException? Send(byte[] packet, EndPoint endpoint)
    {
        SocketException? last = null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            try
            {
                Socket.SendTo(packet, SocketFlags.None, endpoint);
                return null;
            }
            catch (SocketException ex)
            {
                last = ex;
                PollErrors();
            }
        }

        return last;
    }

    private static void CompleteFromSendError(PendingProbe probe, SocketException ex)
    {
        var outcome = ex.SocketErrorCode switch
        {
            SocketError.MessageSize => MtuProbeOutcome.LocalTooBig,
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => MtuProbeOutcome.Unreachable,
            _ => MtuProbeOutcome.Error,
        };
        probe.Complete(outcome, detail: "send: " + ex.SocketErrorCode);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_closing.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await Socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, any);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (!_closing.IsCancellationRequested)
            {
                // A pending socket error (an ICMP error turned into errno) surfaces here once; the details are
                // in the error queue or arrive as a datagram.
                PollErrors();
                continue;
            }
            catch (SocketException)
            {
                return;
            }

            var from = (received.RemoteEndPoint as IPEndPoint)?.Address;
            if (!TryDecode(new ReadOnlySpan<byte>(buffer, 0, received.ReceivedBytes), from, out var icmp))
            {
                continue;
            }

            Dispatch(icmp);
        }
    }

    private void Dispatch(IcmpEvent icmp)
    {
        if (MatchIdentifier && icmp.Identifier != Identifier)
        {
            return;
        }

        switch (icmp.Kind)
        {
            case IcmpEventKind.EchoReply:
                if (icmp.Source is not null && !SameAddress(icmp.Source, Target))
                {
                    return;
                }

                if (_pending.TryRemove(icmp.Sequence, out var probe))
                {
                    var rtt = probe.ElapsedMs;
                    _wait?.Observe(TimeSpan.FromMilliseconds(rtt));
                    probe.Complete(MtuProbeOutcome.Passed, rtt);
                }

                return;
            case IcmpEventKind.TooBig:
            case IcmpEventKind.Unreachable:
            case IcmpEventKind.TimeExceeded:
                if (icmp.InnerDestination is not null && !SameAddress(icmp.InnerDestination, Target))
                {
                    return;
                }

                var outcome = icmp.Kind == IcmpEventKind.TooBig ? MtuProbeOutcome.TooBig : MtuProbeOutcome.Unreachable;
                var what = icmp.Kind == IcmpEventKind.TooBig
                    ? (IsIPv6 ? "ICMPv6 packet too big" : "ICMP fragmentation needed") + (icmp.Mtu is { } m ? ", MTU " + m : ", no MTU given")
                    : $"ICMP{(IsIPv6 ? "v6" : string.Empty)} type {icmp.Type} code {icmp.Code}";
                CompleteBySequence(icmp.Sequence, outcome, icmp.Mtu, icmp.Source, what + (icmp.Source is null ? string.Empty : " from " + icmp.Source));
                return;
            default:
                return;
        }
    }

    private static bool SameAddress(IPAddress a, IPAddress b)
    {
        if (a.IsIPv4MappedToIPv6)
        {
            a = a.MapToIPv4();
        }

        if (b.IsIPv4MappedToIPv6)
        {
            b = b.MapToIPv4();
        }

        if (a.AddressFamily != b.AddressFamily)
        {
            return false;
        }

        // Ignore IPv6 scope ids.
        return a.GetAddressBytes().AsSpan().SequenceEqual(b.GetAddressBytes());
    }
}
