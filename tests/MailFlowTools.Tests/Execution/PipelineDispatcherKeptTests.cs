using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Execution;

namespace MailFlowTools.Tests.Execution;

/// <summary>
/// Workers that live across ProcessRecord calls (Test-MxPath): what they post between runs is kept and written on
/// the pipeline thread by the next run, bounded; Stop cancels them.
/// </summary>
public sealed class PipelineDispatcherKeptTests
{
    [Fact]
    public async Task Posts_from_background_work_between_runs_are_written_by_the_next_run_on_the_pipeline_thread()
    {
        using var dispatcher = new PipelineDispatcher();
        var written = new List<(int Value, int Thread)>();
        using var posted = new SemaphoreSlim(0);
        var background = dispatcher.StartKept(async ct =>
        {
            for (var i = 0; i < 3; i++)
            {
                await Task.Delay(5, ct);
                var n = i;
                dispatcher.Post(() => written.Add((n, Environment.CurrentManagedThreadId)));
                posted.Release();
            }
        });

        // No run is active while the background work posts: nothing is written yet, and nothing is lost.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await posted.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Empty(written);

        // The pipeline thread is the one that calls Run: after the awaits above the test may be on another thread.
        var pipelineThread = Environment.CurrentManagedThreadId;
        dispatcher.Run(_ => Task.CompletedTask);

        Assert.Equal(new[] { 0, 1, 2 }, written.ConvertAll(w => w.Value));
        Assert.All(written, w => Assert.Equal(pipelineThread, w.Thread));
        await background;
    }

    [Fact]
    public void A_run_that_waits_on_the_background_work_writes_its_posts_as_they_come()
    {
        using var dispatcher = new PipelineDispatcher();
        var written = new List<int>();
        var background = dispatcher.StartKept(async ct =>
        {
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(5, ct);
                var n = i;
                dispatcher.Post(() => written.Add(n));
            }
        });

        var seenWhileRunning = -1;
        dispatcher.Run(async _ =>
        {
            await background;
            seenWhileRunning = written.Count;
        });

        Assert.Equal(5, written.Count);
        Assert.True(seenWhileRunning >= 0);
    }

    [Fact]
    public async Task Stop_cancels_background_work_that_waits_for_room_in_the_full_queue()
    {
        var dispatcher = new PipelineDispatcher();
        var cancelled = false;
        var background = dispatcher.StartKept(async ct =>
        {
            try
            {
                // Nothing pumps: after QueueCapacity posts the next one waits for room until the stop.
                for (var i = 0; i < PipelineDispatcher.QueueCapacity * 2 && !ct.IsCancellationRequested; i++)
                {
                    dispatcher.Post(() => { });
                }

                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }
        });

        await Task.Delay(50);
        dispatcher.Stop();
        var finished = await Task.WhenAny(background, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(background, finished);
        Assert.True(cancelled);
        Assert.Throws<OperationCanceledException>(() => dispatcher.Run(_ => Task.CompletedTask));
        dispatcher.Dispose();
    }
}
