using System;
using System.Threading;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// How long a round waits for the last answers. Until a reply has shown the round-trip time the full timeout
/// applies; after that a probe is given up after a few RTTs, so a round with lost probes ends in well under
/// the timeout on a healthy path. Retries of the boundary size guard against a reply that was merely late.
/// </summary>
internal sealed class RoundWaitPolicy
{
    private readonly TimeSpan _timeout;
    private readonly double _multiplier;
    private readonly TimeSpan _minimum;
    private long _maxRttTicks = -1;

    public RoundWaitPolicy(TimeSpan timeout, double multiplier, TimeSpan minimum)
    {
        _timeout = timeout;
        _multiplier = multiplier;
        _minimum = minimum < timeout ? minimum : timeout;
    }

    public TimeSpan Timeout => _timeout;

    public TimeSpan? MaxRtt
    {
        get
        {
            var t = Interlocked.Read(ref _maxRttTicks);
            return t < 0 ? null : TimeSpan.FromTicks(t);
        }
    }

    public void Observe(TimeSpan rtt)
    {
        var ticks = Math.Max(0, rtt.Ticks);
        long current;
        do
        {
            current = Interlocked.Read(ref _maxRttTicks);
            if (current >= ticks)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _maxRttTicks, ticks, current) != current);
    }

    /// <summary>Wait after the last send of a round before unanswered probes count as lost.</summary>
    public TimeSpan CurrentWait()
    {
        var max = MaxRtt;
        if (max is null)
        {
            return _timeout;
        }

        var adaptive = TimeSpan.FromTicks((long)(max.Value.Ticks * _multiplier));
        if (adaptive < _minimum)
        {
            adaptive = _minimum;
        }

        return adaptive < _timeout ? adaptive : _timeout;
    }
}
