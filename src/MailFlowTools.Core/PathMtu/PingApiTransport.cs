using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// The operating system's ping facility (System.Net.NetworkInformation.Ping with DontFragment): no privilege
/// needed. Windows reports "packet too big" (IPStatus.PacketTooBig) but not the MTU.
/// </summary>
internal sealed class PingApiTransport : IIcmpEchoTransport
{
    private readonly IPAddress _target;
    private readonly bool _ipv6;

    public PingApiTransport(IPAddress target)
    {
        _target = target;
        _ipv6 = target.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
    }

    public string Name => "PingApi";

    public bool SeesTooBig => true;

    public async Task<IReadOnlyList<MtuProbeAttempt>> RunRoundAsync(IReadOnlyList<ProbeRequest> requests, RoundWaitPolicy wait, CancellationToken cancellationToken)
    {
        // The OS call takes one fixed timeout per probe, so the adaptive wait only applies between rounds.
        var timeoutMs = (int)Math.Max(1, Math.Ceiling(wait.CurrentWait().TotalMilliseconds));
        var tasks = new List<Task<MtuProbeAttempt>>(requests.Count);
        foreach (var request in requests)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tasks.Add(ProbeAsync(request, timeoutMs, wait, cancellationToken));
        }

        return await Task.WhenAll(tasks);
    }

    public void Dispose()
    {
    }

    private async Task<MtuProbeAttempt> ProbeAsync(ProbeRequest request, int timeoutMs, RoundWaitPolicy wait, CancellationToken cancellationToken)
    {
        var probe = new PendingProbe(request, MtuProbeMethod.Icmp);
        var dataLength = IcmpPacket.DataLengthFor(request.Size, _ipv6);
        if (dataLength < 0)
        {
            probe.Complete(MtuProbeOutcome.Error, detail: "size below the echo header");
            return await probe.Task;
        }

        var buffer = Enumerable.Range(0, dataLength).Select(i => (byte)(0x20 + (i % 0x5f))).ToArray();
        using var ping = new Ping();
        probe.SentTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
#if NET8_0_OR_GREATER
            var reply = await ping.SendPingAsync(_target, TimeSpan.FromMilliseconds(timeoutMs), buffer, new PingOptions(64, dontFragment: true), cancellationToken);
#else
            // The OS call has no token here; Ctrl+C cancels the pending request instead of waiting out its timeout.
            PingReply reply;
            using (cancellationToken.Register(ping.SendAsyncCancel))
            {
                reply = await ping.SendPingAsync(_target, timeoutMs, buffer, new PingOptions(64, dontFragment: true));
            }

            cancellationToken.ThrowIfCancellationRequested();
#endif
            var rtt = probe.ElapsedMs;
            switch (reply.Status)
            {
                case IPStatus.Success:
                    wait.Observe(TimeSpan.FromMilliseconds(rtt));
                    probe.Complete(MtuProbeOutcome.Passed, rtt);
                    break;
                case IPStatus.PacketTooBig:
                    probe.Complete(MtuProbeOutcome.TooBig, rtt, reportedBy: reply.Address?.ToString(), detail: "packet too big (MTU not reported by this API)");
                    break;
                case IPStatus.TimedOut:
                    probe.Complete(MtuProbeOutcome.Lost, detail: "no reply within " + timeoutMs + " ms");
                    break;
                default:
                    probe.Complete(MtuProbeOutcome.Unreachable, rtt, reportedBy: reply.Address?.ToString(), detail: reply.Status.ToString());
                    break;
            }
        }
        catch (PingException ex)
        {
            var outcome = ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.MessageSize }
                ? MtuProbeOutcome.LocalTooBig
                : MtuProbeOutcome.Error;
            probe.Complete(outcome, detail: (ex.InnerException ?? ex).Message);
        }

        return await probe.Task;
    }
}
