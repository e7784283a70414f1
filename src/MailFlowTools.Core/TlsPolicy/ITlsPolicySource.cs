using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>Discovers a domain's MTA-STS policy and its MX hosts' TLSA records. Failures are part of the result.</summary>
public interface ITlsPolicySource
{
    Task<TlsPolicyDiscovery> DiscoverAsync(string domain, IReadOnlyList<string> exchanges, TlsPolicyOptions options, CancellationToken cancellationToken);
}
