namespace MailFlowTools.Tests.Dns;

/// <summary>Runs alone, so that counting the process's open sockets before and after each case is meaningful.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileDnsPeerCollection : ICollectionFixture<DnsWarmup>
{
    public const string Name = "HostileDnsPeer";
}
