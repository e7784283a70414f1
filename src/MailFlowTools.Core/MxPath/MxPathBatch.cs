using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.TlsPolicy;

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
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    /// <summary>Only with -TlsReportPath: the report covers every domain, so it holds their results until the end.</summary>
    private readonly List<MxPathResult>? _reported;
    private int _tested;
    private int _allTimedOut;

    internal MxPathBatch(MxPathEngine engine, MxPathOptions options, IEngineReporter reporter)
    {
        _engine = engine;
        Options = options;
        _budget = MxProbeBudget.For(options);
        _reporter = reporter;
        _reported = options.TlsReportPath is null ? null : new List<MxPathResult>();
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

        if (_reported is not null)
        {
            lock (_reported)
            {
                _reported.Add(result);
            }
        }

        return result;
    }

    /// <summary>
    /// After the last domain: writes the RFC 8460 report when one was asked for (a failure to write it goes to
    /// <paramref name="onError"/>), and warns when the mail port looks blocked on this network.
    /// </summary>
    public void Finish(Action<MailFlowException> onError)
    {
        if (_reported is not null && Options.TlsReportPath is { } path)
        {
            try
            {
                lock (_reported)
                {
                    TlsReport.Write(path, _reported, _started, DateTimeOffset.UtcNow);
                }

                _reporter.Verbose("RFC 8460 TLS report written to " + path);
            }
            catch (MailFlowException ex)
            {
                onError(ex);
            }
        }

        var total = Volatile.Read(ref _tested);
        if (total >= 2 && Volatile.Read(ref _allTimedOut) == total)
        {
            _reporter.Warning(string.Format(CultureInfo.InvariantCulture, "Every MX address of every one of the {0} domains timed out on port {1} while DNS worked: outbound port {1} is probably blocked on this network.", total, Options.Port));
        }
    }
}
