using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// One run of Test-MxPath over many domains fed one at a time (a stream too long to hold): every domain shares
/// the run-wide probe budget, and <see cref="Finish"/> gives the run-level warning when every address of every
/// domain timed out. Create it with <see cref="MxPathEngine.StartBatch"/>; safe to use from many threads.
/// </summary>
public sealed class MxPathBatch
{
    private readonly MxPathEngine _engine;
    private readonly MxProbeBudget _budget;
    private readonly IEngineReporter _reporter;
    private int _tested;
    private int _allTimedOut;

    internal MxPathBatch(MxPathEngine engine, MxPathOptions options, IEngineReporter reporter)
    {
        _engine = engine;
        Options = options;
        _budget = MxProbeBudget.For(options);
        _reporter = reporter;
    }

    public MxPathOptions Options { get; }

    /// <summary>Tests one domain (already normalised with <see cref="MxPathInput.TryNormalize"/>).</summary>
    public async Task<MxPathResult> TestAsync(string domainName, CancellationToken cancellationToken)
    {
        // Counted before the test: a domain that could not be tested is not one whose addresses all timed out.
        Interlocked.Increment(ref _tested);
        var result = await _engine.TestAsync(domainName, Options, _budget, cancellationToken);
        if (result.Hops.Length > 0 && result.Hops.Where(h => h.Outcome != MxHopOutcome.NotTried).All(h => h.Outcome == MxHopOutcome.ConnectTimeout))
        {
            Interlocked.Increment(ref _allTimedOut);
        }

        return result;
    }

    /// <summary>After the last domain: warns when the mail port looks blocked on this network.</summary>
    public void Finish()
    {
        var total = Volatile.Read(ref _tested);
        if (total >= 2 && Volatile.Read(ref _allTimedOut) == total)
        {
            _reporter.Warning(string.Format(CultureInfo.InvariantCulture, "Every MX address of every one of the {0} domains timed out on port {1} while DNS worked: outbound port {1} is probably blocked on this network.", total, Options.Port));
        }
    }
}
