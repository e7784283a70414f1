using System;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Cli.Streaming;

/// <summary>What a verb tells the shared pipeline: how to test one target, how many at once, and its name.</summary>
/// <typeparam name="T">One target as read: a name, or a richer input.</typeparam>
public sealed class TargetPlan<T>
{
    public TargetPlan(Func<T, Action<object>, CancellationToken, Task> probeAsync)
    {
        ProbeAsync = probeAsync ?? throw new ArgumentNullException(nameof(probeAsync));
    }

    /// <summary>
    /// Tests one target and emits its results through the callback it is given. A <c>MailFlowException</c> that is
    /// not an invalid invocation is "could not run" for this target only; the batch goes on.
    /// </summary>
    public Func<T, Action<object>, CancellationToken, Task> ProbeAsync { get; }

    /// <summary>Targets tested at once (the verb's -ThrottleLimit; 1 for verbs that test in turn).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>The name that identifies a target for repeats and --resume; null when it has none (invalid input).</summary>
    public Func<T, string?> KeyOf { get; init; } = _ => null;
}
