using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Execution;

namespace MailFlowTools.Tests.Execution;

public sealed class PipelineDispatcherTests
{
    [Fact]
    public void Work_runs_off_the_calling_thread_and_posts_run_on_it()
    {
        using var dispatcher = new PipelineDispatcher();
        var pipelineThread = Environment.CurrentManagedThreadId;
        var workThread = -1;
        var postedThreads = new List<int>();

        dispatcher.Run(async ct =>
        {
            workThread = Environment.CurrentManagedThreadId;
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(5, ct);
                dispatcher.Post(() => postedThreads.Add(Environment.CurrentManagedThreadId));
            }
        });

        Assert.NotEqual(pipelineThread, workThread);
        Assert.Equal(5, postedThreads.Count);
        Assert.All(postedThreads, t => Assert.Equal(pipelineThread, t));
    }

    [Fact]
    public void Posts_keep_their_order_and_all_run_before_Run_returns()
    {
        using var dispatcher = new PipelineDispatcher();
        var seen = new List<int>();
        dispatcher.Run(_ =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var n = i;
                dispatcher.Post(() => seen.Add(n));
            }

            return Task.CompletedTask;
        });

        Assert.Equal(1000, seen.Count);
        for (var i = 0; i < seen.Count; i++)
        {
            Assert.Equal(i, seen[i]);
        }
    }

    [Fact]
    public void Exceptions_from_the_work_surface_on_the_pipeline_thread()
    {
        using var dispatcher = new PipelineDispatcher();
        var ex = Assert.Throws<InvalidOperationException>(() => dispatcher.Run(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("boom", ex.Message);
    }

    [Fact]
    public void Stop_returns_promptly_even_when_the_work_ignores_cancellation()
    {
        using var dispatcher = new PipelineDispatcher();
        using var release = new ManualResetEventSlim();
        var watch = new Stopwatch();
        _ = Task.Run(async () =>
        {
            await Task.Delay(100);
            watch.Start();
            dispatcher.Stop();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => dispatcher.Run(_ =>
        {
            // Deliberately deaf to the token: a stuck probe must not hold the pipeline.
            release.Wait(TimeSpan.FromSeconds(10));
            return Task.CompletedTask;
        }));
        watch.Stop();
        release.Set();
        Assert.True(watch.ElapsedMilliseconds < 250, $"Run returned {watch.ElapsedMilliseconds} ms after Stop.");
        Assert.True(dispatcher.StopToken.IsCancellationRequested);
    }

    [Fact]
    public void The_stop_token_reaches_the_work()
    {
        using var dispatcher = new PipelineDispatcher();
        var observed = false;
        _ = Task.Run(async () =>
        {
            await Task.Delay(50);
            dispatcher.Stop();
        });

        Assert.ThrowsAny<OperationCanceledException>(() => dispatcher.Run(async ct =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
            }
            catch (OperationCanceledException)
            {
                observed = true;
                throw;
            }
        }));
        SpinWait.SpinUntil(() => observed, TimeSpan.FromSeconds(2));
        Assert.True(observed);
    }

    [Fact]
    public void Late_posts_after_a_run_are_dropped_not_replayed_later()
    {
        using var dispatcher = new PipelineDispatcher();
        var late = new List<string>();
        Task? straggler = null;
        dispatcher.Run(_ =>
        {
            straggler = Task.Run(async () =>
            {
                await Task.Delay(100);
                dispatcher.Post(() => late.Add("late"));
            });
            return Task.CompletedTask;
        });
        straggler!.Wait();
        dispatcher.Run(_ => Task.CompletedTask);
        Assert.Empty(late);
    }

    [Fact]
    public void Post_on_the_pipeline_thread_runs_inline()
    {
        using var dispatcher = new PipelineDispatcher();
        var ran = false;
        dispatcher.Run(_ =>
        {
            dispatcher.Post(() => dispatcher.Post(() => ran = true));
            return Task.CompletedTask;
        });
        Assert.True(ran);
    }
}
