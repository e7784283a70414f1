using System.Threading;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Probes in flight across all domains of a run. A domain's next hop in walk order always starts; a speculative
/// hop (started beside a slow one) only while fewer than <see cref="Limit"/> probes are in flight, so a large
/// batch does not double its connections (and trip the servers' per-client limits) just because servers are slow.
/// </summary>
internal sealed class MxProbeBudget
{
    private int _inFlight;

    public MxProbeBudget(int limit)
    {
        Limit = limit;
    }

    public int Limit { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public bool TryEnterSpeculative()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>The budget for one run: the throttle limit, but never less than one domain's own parallel hops.</summary>
    public static MxProbeBudget For(MxPathOptions options) => new(System.Math.Max(options.ThrottleLimit, options.MaxParallelHops));
}
