using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Everything the probes of one search have shown, by IP packet size. Works out the boundary: the largest size
/// that crossed and the smallest larger size that did not.
/// </summary>
internal sealed class SizeLedger
{
    private readonly SortedDictionary<int, SizeRecord> _sizes = new();
    private readonly List<MtuProbeAttempt> _attempts = new();

    public SizeLedger(int minSize, int maxSize)
    {
        MinSize = minSize;
        MaxSize = maxSize;
        Ceiling = maxSize;
    }

    public int MinSize { get; }

    public int MaxSize { get; }

    /// <summary>Largest size that can be put on the wire: lowered by local "message too long" and by capped TCP segments.</summary>
    public int Ceiling { get; private set; }

    public IReadOnlyList<MtuProbeAttempt> Attempts => _attempts;

    public IEnumerable<KeyValuePair<int, SizeRecord>> Sizes => _sizes;

    public SizeRecord? this[int size] => _sizes.TryGetValue(size, out var r) ? r : null;

    public int AttemptsOf(int size) => _sizes.TryGetValue(size, out var r) ? r.Attempts : 0;

    public void Add(MtuProbeAttempt attempt)
    {
        _attempts.Add(attempt);
        if (attempt.Size < attempt.RequestedSize)
        {
            // The stack or the peer would not send the requested size: nothing above the actual size is testable.
            LowerCeiling(attempt.Size);
        }

        if (attempt.Outcome == MtuProbeOutcome.LocalTooBig)
        {
            LowerCeiling(attempt.Size - 1);
        }

        if (!_sizes.TryGetValue(attempt.Size, out var record))
        {
            record = new SizeRecord();
            _sizes[attempt.Size] = record;
        }

        record.Attempts++;
        switch (attempt.Outcome)
        {
            case MtuProbeOutcome.Passed: record.Passed++; break;
            case MtuProbeOutcome.Lost: record.Lost++; break;
            case MtuProbeOutcome.TooBig: record.TooBig++; break;
            case MtuProbeOutcome.LocalTooBig: record.LocalTooBig++; break;
            case MtuProbeOutcome.Unreachable: record.Unreachable++; break;
            default: record.Errors++; break;
        }
    }

    /// <summary>Largest size (within the ceiling) that crossed the path.</summary>
    public int? LargestPassed =>
        _sizes.Where(kv => kv.Key <= Ceiling && kv.Value.Status == SizeStatus.Passed).Select(kv => (int?)kv.Key).LastOrDefault();

    /// <summary>Smallest size above <see cref="LargestPassed"/> (and within the ceiling) that failed.</summary>
    public int? SmallestFailedAbovePassed
    {
        get
        {
            var lo = LargestPassed ?? int.MinValue;
            foreach (var kv in _sizes)
            {
                if (kv.Key > lo && kv.Key <= Ceiling && kv.Value.Status is SizeStatus.Lost or SizeStatus.TooBig)
                {
                    return kv.Key;
                }
            }

            return null;
        }
    }

    /// <summary>Sizes that failed although a larger size crossed: random loss or loss of particular sizes.</summary>
    public IReadOnlyList<int> FailedBelowPassed
    {
        get
        {
            var lo = LargestPassed;
            if (lo is null)
            {
                return Array.Empty<int>();
            }

            return _sizes.Where(kv => kv.Key < lo && kv.Value.Status is SizeStatus.Lost or SizeStatus.TooBig).Select(kv => kv.Key).ToList();
        }
    }

    public bool AnyPassed => _sizes.Values.Any(r => r.Passed > 0);

    private void LowerCeiling(int size)
    {
        if (size < Ceiling)
        {
            Ceiling = Math.Max(size, 0);
        }
    }
}
