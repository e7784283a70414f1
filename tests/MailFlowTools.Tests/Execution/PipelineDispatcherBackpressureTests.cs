using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Execution;

namespace MailFlowTools.Tests.Execution;

/// <summary>
/// The dispatcher's queue is bounded: when the pipeline (the commands downstream) is slower than the probes, the
/// posting work waits for room instead of queueing every result, and Ctrl+C still releases it.
/// </summary>
public sealed class PipelineDispatcherBackpressureTests
{
    [Fact]
    public void A_slow_pipeline_makes_the_posting_work_wait_instead_of_queueing_every_result()
    {
        using var dispatcher = new PipelineDispatcher();
        var posted = 0;
        var postedWhileFirstRan = -1;
        var ran = 0;
        dispatcher.Run(_ =>
        {
            for (var i = 0; i < 2000; i++)
            {
                dispatcher.Post(() =>
                {
                    if (Interlocked.Increment(ref ran) == 1)
                    {
                        // The first write is slow (a slow command downstream): the work keeps posting meanwhile.
                        Thread.Sleep(300);
                        postedWhileFirstRan = Volatile.Read(ref posted);
                    }
                });
                Interlocked.Increment(ref posted);
            }

            return Task.CompletedTask;
        });

        // The one being run plus a full queue; the next Post waits for room.
        Assert.InRange(postedWhileFirstRan, PipelineDispatcher.QueueCapacity, PipelineDispatcher.QueueCapacity + 1);
        Assert.Equal(2000, ran);
    }

    [Fact]
    public void Stop_releases_work_that_waits_for_room_in_the_queue()
    {
        using var dispatcher = new PipelineDispatcher();
        var workEnded = new ManualResetEventSlim();
        var watch = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => dispatcher.Run(_ =>
        {
            try
            {
                for (var i = 0; i < 2000 && !dispatcher.IsStopping; i++)
                {
                    dispatcher.Post(() =>
                    {
                        // A pipeline so slow the work fills the queue and waits; then Ctrl+C.
                        Thread.Sleep(200);
                        dispatcher.Stop();
                    });
                }
            }
            finally
            {
                workEnded.Set();
            }

            return Task.CompletedTask;
        }));

        Assert.True(workEnded.Wait(TimeSpan.FromSeconds(5)), "the work stayed blocked in Post after Stop");
        Assert.True(watch.ElapsedMilliseconds < 5000, "took " + watch.ElapsedMilliseconds + " ms");
    }
}
