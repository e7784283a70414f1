namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>
/// The hostile policy-server tests bound each fetch's allocations by the process-wide counter, so they run alone:
/// another test allocating at the same time (the whole suite runs in one process) would be counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostilePolicyServerCollection
{
    public const string Name = "Hostile policy servers";
}
