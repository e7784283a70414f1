namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// The measured hostile-peer and cancellation tests run alone (after the parallel collections), so the times
/// and the peak memory they record are the command's, not a neighbour test's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RobustnessCollection
{
    public const string Name = "Robustness";
}
