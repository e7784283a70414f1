using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>
/// Spaces the bisection's queries to one server: each waits for its turn, <c>spacing</c> after the one before, so
/// a burst of rounds never reaches the server faster than one query per spacing (see
/// <see cref="EdnsReachabilityOptions.BisectionSpacing"/>).
/// </summary>
internal sealed class ProbePacer
{
    private readonly long _spacingTicks;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private long _nextTurn;

    public ProbePacer(TimeSpan spacing)
    {
        _spacingTicks = (long)(Math.Max(0, spacing.TotalMilliseconds) * Stopwatch.Frequency / 1000);
    }

    public Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        long wait;
        lock (_gate)
        {
            var now = _clock.ElapsedTicks;
            var turn = Math.Max(now, _nextTurn);
            _nextTurn = turn + _spacingTicks;
            wait = turn - now;
        }

        return wait <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(wait * 1000.0 / Stopwatch.Frequency), cancellationToken);
    }
}
