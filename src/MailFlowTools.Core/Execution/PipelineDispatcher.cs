using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Execution;

/// <summary>
/// Runs asynchronous engine work off the calling ("pipeline") thread and executes everything the work
/// posts back on the calling thread. PowerShell only allows WriteObject and friends on the pipeline thread,
/// so the cmdlet base posts those calls here. Kept free of PowerShell types so it can be tested directly.
/// </summary>
public sealed class PipelineDispatcher : IDisposable
{
    /// <summary>
    /// Posted actions waiting for the pipeline thread. When the commands downstream are slower than the probes,
    /// a full queue makes the posting thread wait, so results do not pile up here however many there are.
    /// </summary>
    public const int QueueCapacity = 256;

    private readonly CancellationTokenSource _stop = new();
    private BlockingCollection<Action>? _current;
    private BlockingCollection<Action>? _kept;
    private int _pipelineThreadId = -1;

    /// <summary>Cancelled by <see cref="Stop"/> (StopProcessing / Ctrl+C). Distinct from any probe timeout.</summary>
    public CancellationToken StopToken => _stop.Token;

    public bool IsStopping => _stop.IsCancellationRequested;

    /// <summary>
    /// Queue an action for the pipeline thread. Called from any thread. Runs inline when already on the
    /// pipeline thread. Actions posted while no <see cref="Run"/> is active, or after stopping, are dropped:
    /// a late write must never surface in a later, unrelated pipeline call.
    /// </summary>
    public void Post(Action action)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        if (Environment.CurrentManagedThreadId == Volatile.Read(ref _pipelineThreadId))
        {
            action();
            return;
        }

        var queue = Volatile.Read(ref _kept) ?? Volatile.Read(ref _current);
        if (queue is null)
        {
            return;
        }

        try
        {
            queue.Add(action, _stop.Token);
        }
        catch (InvalidOperationException)
        {
            // The run has finished; drop the late write.
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting for room: the pump is gone, drop the write.
        }
    }

    /// <summary>
    /// Start <paramref name="work"/> on the thread pool to run across several <see cref="Run"/> calls (workers that
    /// live from BeginProcessing to EndProcessing). From now on what any work posts is kept between runs, in a queue
    /// of <see cref="QueueCapacity"/> that makes the posting thread wait when full, and each <see cref="Run"/> pumps
    /// it: results of the background work come out during the next ProcessRecord or EndProcessing. Stopping
    /// cancels the work and drops what is queued.
    /// </summary>
    public Task StartKept(Func<CancellationToken, Task> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        _stop.Token.ThrowIfCancellationRequested();
        Interlocked.CompareExchange(ref _kept, new BlockingCollection<Action>(QueueCapacity), null);
        return Task.Run(() => work(_stop.Token));
    }

    /// <summary>
    /// Start <paramref name="work"/> on the thread pool and pump posted actions on this thread until it ends.
    /// Exceptions from the work are rethrown here with their original stack. When stopped, returns promptly by
    /// throwing <see cref="OperationCanceledException"/> even if the work has not yet observed the token.
    /// </summary>
    public void Run(Func<CancellationToken, Task> work)
    {
        if (work is null)
        {
            throw new ArgumentNullException(nameof(work));
        }

        _stop.Token.ThrowIfCancellationRequested();
        var kept = Volatile.Read(ref _kept);
        if (kept is not null)
        {
            RunKept(work, kept);
            return;
        }

        // Not disposed: a late Post from the finished work may still touch it, and it holds no OS handles until waited on.
        var queue = new BlockingCollection<Action>(QueueCapacity);
        Volatile.Write(ref _current, queue);
        Volatile.Write(ref _pipelineThreadId, Environment.CurrentManagedThreadId);
        try
        {
            var task = Task.Run(() => work(_stop.Token));
            _ = task.ContinueWith(_ => queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            // Pump until the work has completed and everything it posted has run.
            foreach (var action in queue.GetConsumingEnumerable(_stop.Token))
            {
                action();
            }

            ThrowIfFailed(task);
        }
        finally
        {
            Volatile.Write(ref _pipelineThreadId, -1);
            Volatile.Write(ref _current, null);
            if (!queue.IsAddingCompleted)
            {
                queue.CompleteAdding();
            }
        }
    }

    // Like Run, over the kept queue: pump until the work ends, then run what is queued now (the work's own posts
    // and whatever background results are ready) and return; later background posts wait for the next run.
    private void RunKept(Func<CancellationToken, Task> work, BlockingCollection<Action> queue)
    {
        Volatile.Write(ref _pipelineThreadId, Environment.CurrentManagedThreadId);
        try
        {
            var task = Task.Run(() => work(_stop.Token));
            using (var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                _ = task.ContinueWith(
                    _ =>
                    {
                        try
                        {
                            done.Cancel();
                        }
                        catch (ObjectDisposedException)
                        {
                            // Stopped first: the pump is already gone.
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                try
                {
                    while (true)
                    {
                        queue.Take(done.Token)();
                    }
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    // The work has ended.
                }
            }

            _stop.Token.ThrowIfCancellationRequested();

            // Only what is there now: workers that keep posting must not hold the pipeline thread here.
            for (var left = queue.Count; left > 0 && queue.TryTake(out var action); left--)
            {
                action();
            }

            ThrowIfFailed(task);
        }
        finally
        {
            Volatile.Write(ref _pipelineThreadId, -1);
        }
    }

    /// <summary>Rethrows a finished work task's fault (its own exception when there is one) or its cancellation.</summary>
    private void ThrowIfFailed(Task task)
    {
        if (task.IsFaulted)
        {
            var inner = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            ExceptionDispatchInfo.Capture(inner).Throw();
        }

        if (task.IsCanceled)
        {
            throw new OperationCanceledException(_stop.Token);
        }
    }

    /// <summary>Request cancellation; called from StopProcessing on another thread.</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Stopped after disposal: nothing is running.
        }
    }

    public void Dispose()
    {
        // Background work still running (the pipeline failed before EndProcessing) must not wait for a pump forever.
        Stop();
        _stop.Dispose();
    }
}
