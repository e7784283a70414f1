namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>
/// Tests that read the whole system trust store allocate tens of megabytes; run alone, so the tests that bound their
/// own allocations by the process-wide counter (HostilePolicyServerTests) do not count them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SystemTrustCollection
{
    public const string Name = "System trust store";
}
