using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;

namespace MailFlowTools.Cli.Streaming;

/// <summary>
/// What a batch did, for the closing line on standard error: targets read, finished, skipped, results by
/// verdict, could-not-run errors, rate and elapsed time. Counts only, so it stays small however long the run.
/// The same figures whatever the output mode, because they are taken from the results, not from the output.
/// </summary>
public sealed class RunSummary
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SortedDictionary<string, long> _verdicts = new(System.StringComparer.Ordinal);
    private long _read;
    private long _finished;
    private long _skipped;
    private long _repeated;
    private long _results;
    private long _errors;

    // Counters without a lock: several are touched per target, from every worker at once.
    public long Read => Interlocked.Read(ref _read);

    public long Finished => Interlocked.Read(ref _finished);

    public long Skipped => Interlocked.Read(ref _skipped);

    public long Results => Interlocked.Read(ref _results);

    public long Errors => Interlocked.Read(ref _errors);

    public void TargetRead() => Interlocked.Increment(ref _read);

    public void TargetFinished() => Interlocked.Increment(ref _finished);

    /// <summary>Already in the --resume file.</summary>
    public void TargetSkipped() => Interlocked.Increment(ref _skipped);

    /// <summary>Given again shortly after its first appearance; tested once.</summary>
    public void TargetRepeated() => Interlocked.Increment(ref _repeated);

    public void Result(object result)
    {
        var verdict = ResultVerdict.Of(result);
        Interlocked.Increment(ref _results);
        lock (_gate)
        {
            _verdicts.TryGetValue(verdict, out var count);
            _verdicts[verdict] = count + 1;
        }
    }

    public void Error() => Interlocked.Increment(ref _errors);

    /// <summary>
    /// One line; "mailflow summary:", not "mailflow: ", which starts error lines only. E.g. "mailflow summary: 10000 targets read, 10000 finished, 0 skipped, 0 repeated;
    /// 10000 results: LookupFailed 10000; 0 could not run; 4.2 s, 2380 targets/s."
    /// </summary>
    public string Format()
    {
        lock (_gate)
        {
            var seconds = _clock.Elapsed.TotalSeconds;
            var rate = seconds > 0 ? _finished / seconds : 0;
            var text = new StringBuilder("mailflow summary: ");
            text.Append(F("{0} targets read, {1} finished, {2} skipped (--resume), {3} repeated; ", _read, _finished, _skipped, _repeated));
            text.Append(F("{0} results", _results));
            if (_verdicts.Count > 0)
            {
                text.Append(": ").Append(string.Join(", ", _verdicts.Select(v => F("{0} {1}", v.Key, v.Value))));
            }

            text.Append(F("; {0} could not run; {1:0.0} s, {2:0} targets/s.", _errors, seconds, rate));
            return text.ToString();
        }
    }

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
