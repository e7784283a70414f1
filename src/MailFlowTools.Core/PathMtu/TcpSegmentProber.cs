using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// The TCP method: one SMTP connection per probed size, its MSS clamped (TCP_MAXSEG before connect) so full
/// segments are exactly that IP packet size. After EHLO it writes an envelope a little larger than one segment
/// and watches TCP_INFO: acknowledged means the size crosses; two retransmission timeouts without an
/// acknowledgement mean it is lost; a drop of the connection's path MTU means a "too big" error reached the kernel.
/// Nothing is ever delivered: no DATA is sent.
/// </summary>
internal sealed class TcpSegmentProber : IDisposable
{
    private const int MinimumMss = 88;
    private readonly IPEndPoint _remote;
    private readonly TimeSpan _timeout;
    private readonly MtuSearchTuning _tuning;
    private readonly SemaphoreSlim _gate;
    private readonly int? _kernelMtuProbing;
    private readonly IEngineReporter _reporter;
    private int _peerMss;
    private int _connected;
    private string? _unreachable;

    /// <param name="kernelMtuProbing">net.ipv4.tcp_mtu_probing: with 2 the kernel starts every connection at tcp_base_mss.</param>
    public TcpSegmentProber(IPEndPoint remote, TimeSpan timeout, MtuSearchTuning tuning, int? kernelMtuProbing = null, IEngineReporter? reporter = null)
    {
        _reporter = reporter ?? NullEngineReporter.Instance;
        _remote = remote;
        _timeout = timeout;
        _tuning = tuning;
        _kernelMtuProbing = kernelMtuProbing;
        _gate = new SemaphoreSlim(Math.Max(1, tuning.TcpConcurrency));
    }

    private bool IsIPv6 => _remote.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The server's MSS when it was lower than a probe's clamp (an MSS-clamping middlebox or a small server MTU).</summary>
    public int? PeerMss => _peerMss > 0 ? _peerMss : null;

    /// <summary>True once any probe got as far as the SMTP banner.</summary>
    public bool AnyConnected => Volatile.Read(ref _connected) != 0;

    public string? LastError { get; private set; }

    /// <summary>Smallest IP packet size this method can produce (Linux refuses an MSS below 88).</summary>
    public static int MinPacketSize(bool ipv6) => MinimumMss + 20 + (ipv6 ? 40 : 20);

    public async Task<IReadOnlyList<MtuProbeAttempt>> RunRoundAsync(IReadOnlyList<ProbeRequest> requests, CancellationToken cancellationToken) =>
        await Task.WhenAll(requests.Select(r => ProbeAsync(r, cancellationToken)));

    public void Dispose() => _gate.Dispose();

    private async Task<MtuProbeAttempt> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // When no session has worked yet and one attempt already failed to connect, the rest would only
            // wait out the same timeout.
            if (Volatile.Read(ref _unreachable) is { } why && !AnyConnected)
            {
                return Attempt(request, request.Size, MtuProbeOutcome.Error, detail: "not tried: " + why);
            }

            return await ProbeOnceAsync(request, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<MtuProbeAttempt> ProbeOnceAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var ipHeader = IsIPv6 ? 40 : 20;
        var clamp = request.Size - ipHeader - 20;
        if (clamp < MinimumMss)
        {
            return Attempt(request, request.Size, MtuProbeOutcome.Error, detail: "below the smallest MSS the stack accepts");
        }

        SmtpProbeConnection connection;
        var session = $"mtu-tcp-{request.Size}#{request.Attempt}";
        try
        {
            connection = await SmtpProbeConnection.ConnectAsync(_remote, clamp, _timeout, _reporter, session, cancellationToken);
        }
        catch (SmtpConnectionException ex)
        {
            LastError = "connect to " + _remote + ": " + ex.Message;
            Volatile.Write(ref _unreachable, LastError);
            return Attempt(request, request.Size, MtuProbeOutcome.Error, detail: LastError);
        }

        using (connection)
        {
            try
            {
                return await MeasureAsync(connection, request, clamp, cancellationToken);
            }
            catch (SmtpConnectionException ex)
            {
                connection.Abort();
                return Attempt(request, request.Size, MtuProbeOutcome.Error, detail: ex.Message);
            }
        }
    }

    private async Task<MtuProbeAttempt> MeasureAsync(SmtpProbeConnection connection, ProbeRequest request, int clamp, CancellationToken cancellationToken)
    {
        if (!await connection.WaitForRepliesAsync(1, _timeout, cancellationToken))
        {
            LastError = "no SMTP banner from " + _remote;
            Volatile.Write(ref _unreachable, LastError);
            connection.Abort();
            return Attempt(request, request.Size, MtuProbeOutcome.Error, detail: LastError);
        }

        Interlocked.Exchange(ref _connected, 1);
        var first = connection.TcpInfo();
        var actual = SmtpProbeConnection.FullSegmentPacketSize(first, IsIPv6) ?? request.Size;
        var limit = string.Empty;
        if (actual < request.Size)
        {
            if (first.PathMtu is int pmtu && pmtu < request.Size)
            {
                limit = $"capped at {actual} by the route's path MTU {pmtu}; ";
            }
            else if (_kernelMtuProbing == 2)
            {
                limit = $"capped at {actual} by the kernel's own MTU probing (net.ipv4.tcp_mtu_probing=2 starts at tcp_base_mss); ";
            }
            else
            {
                var peer = actual - (IsIPv6 ? 60 : 40);
                InterlockedMax(ref _peerMss, peer);
                limit = $"capped at {actual} by the server's MSS {peer}; ";
            }
        }

        await connection.SendLineAsync("EHLO " + connection.EhloArgument(), _timeout, cancellationToken);
        if (!await connection.WaitForRepliesAsync(2, _timeout, cancellationToken))
        {
            LastError = "no EHLO reply from " + _remote;
            connection.Abort();
            return Attempt(request, actual, MtuProbeOutcome.Error, detail: limit + LastError);
        }

        var before = connection.TcpInfo();
        var payloadSize = (before.SendMss ?? clamp) + 100;
        payloadSize = Math.Min(EnvelopePayload.MaxPayloadSize, Math.Max(EnvelopePayload.MinPayloadSize, payloadSize));
        // RFC 2920: a pipelined group only to a server that offers PIPELINING; otherwise one padded NOOP.
        var pipelining = connection.Advertises(1, "PIPELINING");
        var (payload, commands) = pipelining ? EnvelopePayload.Build(payloadSize) : (SingleCommandPayload.Build(payloadSize), 1);
        var watch = Stopwatch.StartNew();
        await connection.SendAsync(payload, _timeout, cancellationToken, pipelining
            ? $"[{payloadSize} bytes of pipelined envelope, {commands} commands, in one write]"
            : $"[{payloadSize} bytes of one NOOP with padding, in one write]");

        var outcome = MtuProbeOutcome.Lost;
        int? reported = null;
        string detail;
        var tcpInfo = before.IsAvailable && before.BytesAcked is not null;
        while (true)
        {
            var now = connection.TcpInfo();
            if (tcpInfo && now.IsAvailable)
            {
                if (now.PathMtu < before.PathMtu)
                {
                    outcome = MtuProbeOutcome.TooBig;
                    reported = now.PathMtu;
                    detail = $"the kernel lowered the connection's path MTU from {before.PathMtu} to {now.PathMtu}: a 'too big' error arrived";
                    break;
                }

                if (now.SendMss < before.SendMss)
                {
                    detail = $"not acknowledged at full size; the kernel's own MTU probing cut the MSS from {before.SendMss} to {now.SendMss}";
                    break;
                }

                if (now.BytesAcked >= before.BytesAcked + payloadSize)
                {
                    outcome = MtuProbeOutcome.Passed;
                    detail = $"{payloadSize} bytes acknowledged in {Ms(watch)} ms";
                    break;
                }

                if (now.Retransmits >= _tuning.TcpLossRetransmits)
                {
                    detail = $"{now.UnackedSegments} segment(s) unacknowledged after {now.Retransmits} retransmission timeouts ({Ms(watch)} ms)";
                    break;
                }
            }
            else if (connection.ReplyCount >= 2 + commands)
            {
                outcome = MtuProbeOutcome.Passed;
                detail = $"all {commands} replies in {Ms(watch)} ms";
                break;
            }

            if (connection.Closed)
            {
                outcome = MtuProbeOutcome.Error;
                detail = "the server closed the connection";
                break;
            }

            if (watch.Elapsed >= _timeout)
            {
                detail = $"not acknowledged within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
                break;
            }

            await Task.Delay(10, cancellationToken);
        }

        if (outcome == MtuProbeOutcome.Passed)
        {
            // Let the replies arrive and say goodbye, so the server logs a clean session.
            await connection.WaitForRepliesAsync(2 + commands, TimeSpan.FromMilliseconds(500), cancellationToken);
            await connection.QuitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
        else
        {
            connection.Abort();
        }

        var rtt = first.RttMicroseconds is long us ? us / 1000.0 : (double?)null;
        return Attempt(request, actual, outcome, rtt, reported, limit + detail);
    }

    private static MtuProbeAttempt Attempt(ProbeRequest request, int actual, MtuProbeOutcome outcome, double? rtt = null, int? reported = null, string? detail = null) =>
        new()
        {
            Method = MtuProbeMethod.Tcp,
            Round = request.Round,
            Size = actual,
            RequestedSize = request.Size,
            Attempt = request.Attempt,
            Outcome = outcome,
            RttMs = rtt,
            ReportedMtu = reported,
            Detail = detail,
        };

    private static string Ms(Stopwatch watch) => Math.Round(watch.Elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        do
        {
            current = Volatile.Read(ref target);
            if (current >= value)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref target, value, current) != current);
    }
}
