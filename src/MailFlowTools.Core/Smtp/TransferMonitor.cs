using MailFlowTools.Core.Net;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Watches TCP_INFO while message data is in flight and marks the point where acknowledgements stopped:
/// bytes_acked no longer grows while data is unacknowledged and the kernel retransmits.
/// </summary>
internal sealed class TransferMonitor
{
    private readonly long _ackedAtConnect;
    private readonly double _stallThresholdMs;
    private readonly long _ackedAtStart;
    private long _lastAcked;
    private long _retransAtProgress;

    public TransferMonitor(TcpInfoSnapshot atStart, TcpInfoSnapshot atConnect, double nowMs, System.TimeSpan stallThreshold)
    {
        _ackedAtConnect = atConnect.BytesAcked ?? 0;
        _stallThresholdMs = stallThreshold.TotalMilliseconds;
        _ackedAtStart = atStart.BytesAcked ?? 0;
        _lastAcked = _ackedAtStart;
        _retransAtProgress = atStart.TotalRetransmits ?? 0;
        LastProgressMs = nowMs;
        Last = atStart;
    }

    public double LastProgressMs { get; private set; }

    public bool StallDetected { get; private set; }

    public double StallDetectedAtMs { get; private set; }

    public long RetransmitsSinceStall { get; private set; }

    public TcpInfoSnapshot Last { get; private set; }

    /// <summary>Application bytes acknowledged since the connection opened (bytes_acked minus its value right after the handshake).</summary>
    public long StreamBytesAcked => _lastAcked - _ackedAtConnect;

    public void Observe(TcpInfoSnapshot s, double nowMs, long bodyBytesWritten)
    {
        if (!s.IsAvailable || s.BytesAcked is null)
        {
            return;
        }

        Last = s;
        if (s.BytesAcked.Value > _lastAcked)
        {
            _lastAcked = s.BytesAcked.Value;
            LastProgressMs = nowMs;
            _retransAtProgress = s.TotalRetransmits ?? 0;
            StallDetected = false;
            RetransmitsSinceStall = 0;
            return;
        }

        var retransmitted = (s.TotalRetransmits ?? 0) - _retransAtProgress;
        var outstanding = (s.UnackedSegments ?? 0) > 0 || (s.NotSentBytes ?? 0) > 0 || bodyBytesWritten > _lastAcked - _ackedAtStart;
        if (outstanding && (retransmitted > 0 || (s.Retransmits ?? 0) > 0) && nowMs - LastProgressMs >= _stallThresholdMs)
        {
            if (!StallDetected)
            {
                StallDetected = true;
                StallDetectedAtMs = nowMs;
            }

            RetransmitsSinceStall = retransmitted;
        }
    }

    /// <summary>Message bytes acknowledged: everything acknowledged since the body started, at most what was written.</summary>
    public long BodyBytesAcked(long bodyBytesWritten)
    {
        var acked = _lastAcked - _ackedAtStart;
        return acked < 0 ? 0 : acked > bodyBytesWritten ? bodyBytesWritten : acked;
    }

    public bool AllAcknowledged(TcpInfoSnapshot s) =>
        s.IsAvailable && s.UnackedSegments == 0 && (s.NotSentBytes ?? 0) == 0;
}
