using System;
using System.Collections.Generic;

namespace MailFlowTools.Cli.Streaming;

/// <summary>
/// The last <see cref="Capacity"/> distinct target keys, so a name given twice in a row (or close together) is
/// tested once, without a set that grows with the whole input. A repeat further apart is tested again.
/// </summary>
public sealed class RecentKeys
{
    public const int DefaultCapacity = 10_000;

    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public RecentKeys(int capacity = DefaultCapacity)
    {
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>True the first time a key is seen within the window.</summary>
    public bool Add(string key)
    {
        if (!_set.Add(key))
        {
            return false;
        }

        _order.Enqueue(key);
        if (_order.Count > Capacity)
        {
            _set.Remove(_order.Dequeue());
        }

        return true;
    }
}
