using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// The shared streaming path every many-target verb runs through: the reader stops at the queue's capacity
/// while the workers are slow, --ordered holds back a bounded number of targets, repeats and --resume names are
/// skipped, and errors keep their meaning (one target's failure is its error; an invalid invocation ends the batch).
/// </summary>
public sealed class TargetPipelineTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    /// <summary>Counts how many targets the pipeline has taken from its source.</summary>
    private sealed class CountingSource
    {
        private int _pulled;

        public int Pulled => Volatile.Read(ref _pulled);

        public async IAsyncEnumerable<string> Names(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _pulled);
                yield return "n" + i + ".test";
            }

            await Task.CompletedTask;
        }
    }

    private static (CliContext Context, List<object> Results, List<MailFlowException> Errors) Context(BatchSettings? batch = null)
    {
        var results = new List<object>();
        var errors = new List<MailFlowException>();
        var context = new CliContext(NullEngineReporter.Instance, r => { lock (results) { results.Add(r); } }, e => { lock (errors) { errors.Add(e); } }, TextReader.Null, false, batch);
        return (context, results, errors);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var limit = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < limit)
        {
            await Task.Delay(10);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public async Task The_reader_blocks_at_the_queue_capacity_while_the_workers_are_slow(int concurrency)
    {
        var (context, results, _) = Context();
        var source = new CountingSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var plan = new TargetPlan<string>(async (name, emit, ct) =>
        {
            Interlocked.Increment(ref started);
            await release.Task.WaitAsync(ct);
            emit(name);
        })
        { Concurrency = concurrency };

        var run = TargetPipeline.RunAsync(context, source.Names(100_000), plan, CancellationToken.None);
        await WaitUntil(() => Volatile.Read(ref started) == concurrency);
        await Task.Delay(Settle);

        // In the workers' hands, in the queue, and the one the reader holds while it waits for room.
        var bound = concurrency + TargetPipeline.QueueCapacity(concurrency) + 1;
        var pulledWhileBlocked = source.Pulled;
        Assert.Equal(concurrency, Volatile.Read(ref started));
        Assert.True(pulledWhileBlocked <= bound, $"pulled {pulledWhileBlocked} of 100000 while {concurrency} worker(s) were blocked; bound {bound}");
        Assert.True(pulledWhileBlocked >= concurrency + TargetPipeline.QueueCapacity(concurrency), $"the queue did not fill: {pulledWhileBlocked}");
        await Task.Delay(Settle);
        Assert.Equal(pulledWhileBlocked, source.Pulled);
        Assert.Empty(results);

        release.SetResult();
        await run;
        Assert.Equal(100_000, results.Count);
        Assert.Equal(100_000, source.Pulled);
        Assert.Equal(100_000, context.Batch.Summary.Finished);
    }

    [Fact]
    public async Task Ordered_output_keeps_input_order_whatever_the_completion_order()
    {
        var (context, results, _) = Context(new BatchSettings { Ordered = true });
        var source = new CountingSource();
        var random = new Random(7);
        var delays = Enumerable.Range(0, 200).Select(_ => random.Next(0, 8)).ToArray();
        var plan = new TargetPlan<string>(async (name, emit, ct) =>
        {
            var index = int.Parse(name.Substring(1, name.IndexOf('.') - 1), System.Globalization.CultureInfo.InvariantCulture);
            emit(name + "#a");
            await Task.Delay(delays[index], ct);
            emit(name + "#b");
        })
        { Concurrency = 8 };

        await TargetPipeline.RunAsync(context, source.Names(200), plan, CancellationToken.None);
        var expected = Enumerable.Range(0, 200).SelectMany(i => new[] { "n" + i + ".test#a", "n" + i + ".test#b" });
        Assert.Equal(expected, results.Cast<string>());
    }

    [Fact]
    public async Task Ordered_output_blocks_the_reader_behind_a_slow_first_target_instead_of_holding_everything()
    {
        var (context, results, _) = Context(new BatchSettings { Ordered = true });
        var source = new CountingSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = 0;
        var plan = new TargetPlan<string>(async (name, emit, ct) =>
        {
            if (name == "n0.test")
            {
                await release.Task.WaitAsync(ct);
            }

            emit(name);
            Interlocked.Increment(ref finished);
        })
        { Concurrency = 4 };

        var run = TargetPipeline.RunAsync(context, source.Names(100_000), plan, CancellationToken.None);
        await Task.Delay(Settle);
        await Task.Delay(Settle);

        // The window is the queue plus the workers; nothing behind the slow first target may leave.
        var window = TargetPipeline.QueueCapacity(4) + 4;
        Assert.True(source.Pulled <= window + 1, $"pulled {source.Pulled} behind a blocked first target; window {window}");
        Assert.True(Volatile.Read(ref finished) >= window - 4, $"only {finished} finished");
        lock (results)
        {
            Assert.Empty(results);
        }

        release.SetResult();
        await run;
        Assert.Equal(Enumerable.Range(0, 100_000).Select(i => "n" + i + ".test"), results.Cast<string>());
    }

    [Fact]
    public async Task Names_in_the_resume_file_and_close_repeats_are_skipped()
    {
        var file = Path.Combine(Path.GetTempPath(), "mailflow-resume-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            File.WriteAllLines(file, new[]
            {
                "{\"DomainName\":\"N1.test.\",\"Hops\":[]}",
                "{\"Hops\":[{\"DomainName\":\"n2.test\"}],\"DomainName\":\"n3.test\"}",
                string.Empty,
                "{\"DomainName\":\"n4.test\",\"Hops\":[",
            });
            var resume = ResumeSet.Load(file, "DomainName");
            Assert.Equal(2, resume.Count);
            Assert.Equal(1, resume.Unreadable);

            var (context, results, _) = Context(new BatchSettings { Resume = resume });
            var plan = new TargetPlan<string>((name, emit, ct) => { emit(name); return Task.CompletedTask; }) { KeyOf = name => name };
            var names = new[] { "n0.test", "n1.test", "n2.test", "n3.test", "n4.test", "n0.test", "N2.TEST" };
            await TargetPipeline.RunAsync(context, TargetSources.From(names), plan, CancellationToken.None);

            // n1 and n3 were done (a nested DomainName does not count, a cut-off line does not either).
            Assert.Equal(new[] { "n0.test", "n2.test", "n4.test" }, results.Cast<string>());
            Assert.Equal(7, context.Batch.Summary.Read);
            Assert.Equal(2, context.Batch.Summary.Skipped);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task One_target_that_cannot_run_is_its_error_and_the_batch_goes_on()
    {
        var (context, results, errors) = Context();
        var plan = new TargetPlan<string>((name, emit, ct) =>
        {
            if (name == "bad.test")
            {
                throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, "unknown", name);
            }

            emit(name);
            return Task.CompletedTask;
        })
        { Concurrency = 2 };

        await TargetPipeline.RunAsync(context, TargetSources.From(new[] { "a.test", "bad.test", "b.test" }), plan, CancellationToken.None);
        Assert.Equal(new[] { "a.test", "b.test" }, results.Cast<string>().OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(ErrorIds.UnknownHost, Assert.Single(errors).ErrorId);
    }

    [Fact]
    public async Task An_invalid_invocation_ends_the_whole_batch()
    {
        var (context, results, _) = Context();
        var source = new CountingSource();
        // Each probe waits a moment, as a real one waits on the network: with probes that never wait, the other
        // worker and the reader race on through thousands of names in the time slice the failing worker waits for a core.
        var plan = new TargetPlan<string>(async (name, emit, ct) =>
        {
            if (name == "n3.test")
            {
                throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, "bad option");
            }

            await Task.Delay(1, ct);
        })
        { Concurrency = 2 };

        var ex = await Assert.ThrowsAsync<MailFlowException>(() => TargetPipeline.RunAsync(context, source.Names(1_000_000), plan, CancellationToken.None));
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
        Assert.True(source.Pulled < 100, $"read on to {source.Pulled} after the batch failed");
    }
}
