using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Cli.Streaming;

/// <summary>
/// --ordered: results leave in input order. The oldest unfinished target's results go out at once; later
/// targets' results wait here until every earlier target is finished. The wait is bounded: the reader takes a
/// place (<see cref="EnterAsync"/>) before it queues a target, and a place is given back only when that target's
/// results have left, so at most <see cref="Window"/> targets are between reading and output, and a slow target
/// holds the reader up instead of letting finished results pile up behind it.
/// </summary>
public sealed class InOrderRelease
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _places;
    private readonly Action<object> _emit;
    private readonly Dictionary<long, List<object>> _waiting = new();
    private readonly HashSet<long> _finished = new();
    private long _next;

    public InOrderRelease(int window, Action<object> emit)
    {
        if (window < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(window));
        }

        Window = window;
        _places = new SemaphoreSlim(window, window);
        _emit = emit;
    }

    public int Window { get; }

    /// <summary>Targets whose results are held back right now (for tests and diagnostics).</summary>
    public int Held { get { lock (_gate) { return _waiting.Count; } } }

    /// <summary>The reader waits here for a place before it queues target number <c>sequence</c> (0, 1, 2, ...).</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => _places.WaitAsync(cancellationToken);

    public void Emit(long sequence, object result)
    {
        lock (_gate)
        {
            if (sequence == _next)
            {
                _emit(result);
                return;
            }

            if (!_waiting.TryGetValue(sequence, out var list))
            {
                list = new List<object>(1);
                _waiting[sequence] = list;
            }

            list.Add(result);
        }
    }

    /// <summary>Target <paramref name="sequence"/> has all its results; release it and every finished one after it.</summary>
    public void Finish(long sequence)
    {
        lock (_gate)
        {
            _finished.Add(sequence);
            while (_finished.Remove(_next))
            {
                _next++;
                _places.Release();
                if (_waiting.TryGetValue(_next, out var held))
                {
                    _waiting.Remove(_next);
                    foreach (var result in held)
                    {
                        _emit(result);
                    }
                }
            }
        }
    }
}
