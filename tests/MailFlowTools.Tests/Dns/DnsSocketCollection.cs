namespace MailFlowTools.Tests.Dns;

/// <summary>
/// DNS tests that time loopback sockets run one class at a time, so that on a two-core machine they do not
/// starve each other into false timeouts; <see cref="DnsWarmup"/> runs first so JIT time is not mistaken for loss.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DnsSocketCollection : ICollectionFixture<DnsWarmup>
{
    public const string Name = "DnsSockets";
}
