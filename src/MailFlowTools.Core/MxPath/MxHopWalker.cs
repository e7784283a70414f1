using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Walks the hops in order and decides like a sequential RFC 5321 sender: a failure moves on to the next hop,
/// the first Ok hop ends the walk (unless every hop is wanted), a refused recipient ends it too.
/// To keep a silent host from costing one full timeout per address, a hop that has neither worked nor failed
/// after <see cref="MxPathOptions.StaggerDelay"/> gets the next hop started beside it; a later hop's result
/// only counts once every earlier hop has failed, so the verdict is the sequential one.
/// </summary>
internal sealed class MxHopWalker
{
    private readonly IHopProber _prober;
    private readonly IEngineReporter _reporter;

    public MxHopWalker(IHopProber prober, IEngineReporter reporter)
    {
        _prober = prober;
        _reporter = reporter;
    }

    /// <summary>Returns one result per plan; null means NotTried.</summary>
    public async Task<HopProbeResult?[]> WalkAsync(IReadOnlyList<MxHopPlan> plans, MxPathOptions options, string domain, MxProbeBudget budget, CancellationToken cancellationToken)
    {
        var count = Math.Min(plans.Count, Math.Max(1, options.MaxHops));
        var results = new HopProbeResult?[plans.Count];
        var running = new Dictionary<Task<HopProbeResult>, int>();
        var cancels = new CancellationTokenSource?[count];
        var maxParallel = Math.Max(1, options.MaxParallelHops);
        var clock = Stopwatch.StartNew();
        var lastStart = TimeSpan.Zero;
        var lastStarted = -1;
        var next = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsDecided(results, count, options.AllHops, out var decidedAt))
                {
                    if (decidedAt >= 0)
                    {
                        // Hops after the chosen one would never be tried by a sender.
                        for (var i = decidedAt + 1; i < count; i++)
                        {
                            cancels[i]?.Cancel();
                            results[i] = null;
                        }
                    }

                    break;
                }

                var canStart = next < count && running.Count < maxParallel && !(options.AllHops == false && PrefixHasOk(results, next));
                // Start the next hop when the last one started has finished, or has run for the stagger delay.
                // A hop started beside a running one is speculative and needs room in the run's budget;
                // without it this domain waits for its running hop, as a sequential sender would.
                var lastFinished = lastStarted < 0 || results[lastStarted] is not null;
                var denied = false;
                if (canStart && (lastFinished || clock.Elapsed - lastStart >= options.StaggerDelay))
                {
                    if (running.Count == 0)
                    {
                        budget.Enter();
                    }
                    else if (!budget.TryEnterSpeculative())
                    {
                        canStart = false;
                        denied = true;
                    }

                    if (canStart)
                    {
                        var index = next++;
                        cancels[index] = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        var task = ProbeAsync(plans[index], options, domain, budget, cancels[index]!.Token);
                        running.Add(task, index);
                        lastStart = clock.Elapsed;
                        lastStarted = index;
                        continue;
                    }
                }

                var waitFor = new List<Task>(running.Keys);
                using var timer = new CancellationTokenSource();
                if (canStart)
                {
                    var due = options.StaggerDelay - (clock.Elapsed - lastStart);
                    waitFor.Add(Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, timer.Token));
                }
                else if (denied)
                {
                    // Look again once other domains may have freed the budget.
                    waitFor.Add(Task.Delay(options.StaggerDelay, timer.Token));
                }

                if (waitFor.Count == 0)
                {
                    // Nothing running and nothing to start: every hop has a result.
                    break;
                }

                var done = await Task.WhenAny(waitFor);
                timer.Cancel();
                if (done is Task<HopProbeResult> finished && running.TryGetValue(finished, out var finishedIndex))
                {
                    running.Remove(finished);
                    results[finishedIndex] = await finished;
                }
            }
        }
        finally
        {
            foreach (var cts in cancels)
            {
                cts?.Cancel();
            }

            // Let cancelled probes release their sockets before the domain is reported; they stop at once.
            if (running.Count > 0)
            {
                await Task.WhenAny(Task.WhenAll(running.Keys.Select(Observe)), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            }

            foreach (var cts in cancels)
            {
                cts?.Dispose();
            }
        }

        // Results of hops still running at the end (cancelled speculation) do not count.
        foreach (var index in running.Values)
        {
            results[index] = null;
        }

        return results;
    }

    /// <summary>
    /// Decided when the first hop that did not fail has a terminal result (Ok, or a permanent recipient refusal),
    /// or when every hop failed. With AllHops, only when every walked hop has a result.
    /// </summary>
    internal static bool IsDecided(HopProbeResult?[] results, int count, bool allHops, out int decidedAt)
    {
        decidedAt = -1;
        if (allHops)
        {
            for (var i = 0; i < count; i++)
            {
                if (results[i] is null)
                {
                    return false;
                }
            }

            return true;
        }

        for (var i = 0; i < count; i++)
        {
            var r = results[i];
            if (r is null)
            {
                return false;
            }

            if (EndsWalk(r))
            {
                decidedAt = i;
                return true;
            }
        }

        return true;
    }

    /// <summary>Ok delivers; a 5xx to MAIL or RCPT is permanent, so a sender bounces instead of trying the next MX.</summary>
    internal static bool EndsWalk(HopProbeResult result) =>
        result.Outcome == MxHopOutcome.Ok
        || (result.Outcome == MxHopOutcome.RecipientRejected && result.ReplyCode is >= 500 and < 600);

    private static bool PrefixHasOk(HopProbeResult?[] results, int upTo)
    {
        for (var i = 0; i < upTo; i++)
        {
            if (results[i] is { } r && EndsWalk(r))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Cancelled speculation; its result is discarded.
        }
    }

    private async Task<HopProbeResult> ProbeAsync(MxHopPlan plan, MxPathOptions options, string domain, MxProbeBudget budget, CancellationToken cancellationToken)
    {
        try
        {
            return await ProbeCoreAsync(plan, options, domain, cancellationToken);
        }
        finally
        {
            budget.Exit();
        }
    }

    private async Task<HopProbeResult> ProbeCoreAsync(MxHopPlan plan, MxPathOptions options, string domain, CancellationToken cancellationToken)
    {
        // Off the walker's loop so a prober that does synchronous work first cannot hold up the stagger clock.
        await Task.Yield();
        var request = new HopProbeRequest(plan.Address, options.Port, plan.Target.Exchange)
        {
            ConnectTimeout = options.ConnectTimeout,
            BannerTimeout = options.BannerTimeout,
            CommandTimeout = options.BannerTimeout,
            Recipient = options.Recipient,
            SessionId = string.Format(CultureInfo.InvariantCulture, "{0}#{1}", domain, plan.Order),
        };
        _reporter.Verbose(string.Format(CultureInfo.InvariantCulture, "{0}: hop {1}: {2} [{3}] port {4} (preference {5})", domain, plan.Order, plan.Target.Exchange, plan.Address, options.Port, plan.Target.Preference));
        var result = await _prober.ProbeAsync(request, cancellationToken);
        _reporter.Verbose(string.Format(CultureInfo.InvariantCulture, "{0}: hop {1}: {2}{3}", domain, plan.Order, result.Outcome, result.Detail is null ? string.Empty : " (" + result.Detail + ")"));
        return result;
    }
}
