namespace MailFlowTools.Core.Dns;

public sealed class MxResolverOptions
{
    public DnsResolverOptions Resolver { get; init; } = new();

    /// <summary>Seed for shuffling equal preferences; null for a random order each time.</summary>
    public int? Seed { get; init; }

    /// <summary>Look up A and AAAA for every target.</summary>
    public bool ResolveAddresses { get; init; } = true;
}
