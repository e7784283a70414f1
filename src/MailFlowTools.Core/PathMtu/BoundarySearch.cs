using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Runs rounds of parallel probes until the boundary between crossing and failing sizes is exact and confirmed,
/// or the round budget is spent. The transport behind <c>runRound</c> sends every probe of a round at once.
/// </summary>
internal sealed class BoundarySearch
{
    private readonly SizeLedger _ledger;
    private readonly IEngineReporter _reporter;
    private readonly string _label;

    public BoundarySearch(SizeLedger ledger, IEngineReporter reporter, string label)
    {
        _ledger = ledger;
        _reporter = reporter;
        _label = label;
    }

    public int FanOut { get; init; } = 48;

    public int LossConfirmations { get; init; } = 2;

    public int MaxRounds { get; init; } = 4;

    public bool RetryBoundaryWithGap { get; init; } = true;

    public int Rounds { get; private set; }

    public int ProbesSent { get; private set; }

    public async Task<SizeLedger> RunAsync(
        IReadOnlyList<int> firstRound,
        Func<IReadOnlyList<ProbeRequest>, CancellationToken, Task<IReadOnlyList<MtuProbeAttempt>>> runRound,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<int> sizes = firstRound;
        for (var round = 1; round <= MaxRounds && sizes.Count > 0; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var requests = Number(sizes, round);
            _reporter.Verbose($"{_label}: round {round}, {requests.Count} probes, sizes {Describe(sizes)}.");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var attempts = await runRound(requests, cancellationToken);
            foreach (var attempt in attempts)
            {
                _ledger.Add(attempt);
            }

            Rounds = round;
            ProbesSent += requests.Count;
            _reporter.Verbose($"{_label}: round {round} took {Math.Round(watch.Elapsed.TotalMilliseconds)} ms; largest passed {Show(_ledger.LargestPassed)}, smallest failed {Show(_ledger.SmallestFailedAbovePassed)}.");
            sizes = SizePlanner.NextRound(_ledger, FanOut, LossConfirmations, RetryBoundaryWithGap);
        }

        return _ledger;
    }

    private List<ProbeRequest> Number(IReadOnlyList<int> sizes, int round)
    {
        var seen = new Dictionary<int, int>();
        var requests = new List<ProbeRequest>(sizes.Count);
        foreach (var size in sizes)
        {
            seen.TryGetValue(size, out var n);
            seen[size] = n + 1;
            requests.Add(new ProbeRequest(size, _ledger.AttemptsOf(size) + n + 1, round));
        }

        return requests;
    }

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    private static string Describe(IReadOnlyList<int> sizes)
    {
        var distinct = sizes.Distinct().OrderBy(s => s).ToList();
        return distinct.Count <= 12 ? string.Join(",", distinct) : $"{distinct[0]}..{distinct[distinct.Count - 1]} ({distinct.Count} distinct)";
    }
}
