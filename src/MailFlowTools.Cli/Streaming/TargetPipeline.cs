using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Streaming;

/// <summary>
/// The one path every many-target verb runs through. A reader takes targets from their source as they come
/// (standard input is never read ahead) into a bounded queue; <see cref="TargetPlan{T}.Concurrency"/> workers take
/// them from it, test them and emit each result as it completes. When the queue is full the reader waits, so the
/// memory of a run is bounded by the concurrency and the queue, not by how many names it is given.
/// </summary>
public static class TargetPipeline
{
    /// <summary>Targets waiting between the reader and the workers: two for every worker.</summary>
    public static int QueueCapacity(int concurrency) => Math.Max(2, 2 * concurrency);

    public static async Task RunAsync<T>(CliContext context, IAsyncEnumerable<T> targets, TargetPlan<T> plan, CancellationToken cancellationToken)
    {
        if (plan.Concurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(plan), "Concurrency must be at least 1.");
        }

        var batch = context.Batch;
        var capacity = QueueCapacity(plan.Concurrency);
        var queue = Channel.CreateBounded<(long Sequence, T Target)>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
            SingleReader = plan.Concurrency == 1,
        });

        // In order, the hold-back covers the queue and the targets in the workers' hands.
        var order = batch.Ordered ? new InOrderRelease(capacity + plan.Concurrency, context.Emit) : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task ReadAsync()
        {
            Exception? error = null;
            var recent = new RecentKeys();
            long sequence = 0;
            try
            {
                await foreach (var target in targets.WithCancellation(stop.Token))
                {
                    batch.Summary.TargetRead();
                    var key = plan.KeyOf(target);
                    if (key is not null)
                    {
                        var name = ResumeSet.Normalize(key);
                        if (batch.Resume?.Contains(name) == true)
                        {
                            batch.Summary.TargetSkipped();
                            continue;
                        }

                        if (!recent.Add(name))
                        {
                            batch.Summary.TargetRepeated();
                            context.Reporter.Verbose(key + ": given more than once; tested once.");
                            continue;
                        }
                    }

                    if (order is not null)
                    {
                        await order.EnterAsync(stop.Token);
                    }

                    await queue.Writer.WriteAsync((sequence++, target), stop.Token);
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
            finally
            {
                // The workers finish what is queued, then see the end (or the reader's error, e.g. a usage error).
                queue.Writer.TryComplete(error);
            }
        }

        async Task WorkAsync()
        {
            try
            {
                await foreach (var (sequence, target) in queue.Reader.ReadAllAsync(stop.Token))
                {
                    Action<object> emit = order is null ? context.Emit : result => order.Emit(sequence, result);
                    try
                    {
                        await plan.ProbeAsync(target, emit, stop.Token);
                    }
                    catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
                    {
                        context.EmitError(ex);
                    }

                    batch.Summary.TargetFinished();
                    order?.Finish(sequence);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // An invalid invocation (or a bug) ends the whole batch, not just this worker.
                stop.Cancel();
                throw;
            }
        }

        var reading = Task.Run(ReadAsync, CancellationToken.None);
        var workers = Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(WorkAsync, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);

        // The queue completes only when the reader is done, so this does not wait on standard input.
        await reading;
    }
}
