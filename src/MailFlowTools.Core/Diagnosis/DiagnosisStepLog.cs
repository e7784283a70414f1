using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>What the steps of one diagnosis leave behind besides results: their wall times and notes. Thread-safe.</summary>
internal sealed class DiagnosisStepLog
{
    private readonly ConcurrentDictionary<DiagnosisStage, double> _times = new();
    private readonly ConcurrentQueue<string> _notes = new();

    public void Time(DiagnosisStage stage, double ms) => _times.AddOrUpdate(stage, ms, (_, old) => old + ms);

    public void Note(string note) => _notes.Enqueue(note);

    public string[] Notes => _notes.ToArray();

    /// <summary>Step name to milliseconds, in step order, rounded to 0.1 ms.</summary>
    public Dictionary<string, double> Times() =>
        _times.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(), kv => System.Math.Round(kv.Value, 1));
}
