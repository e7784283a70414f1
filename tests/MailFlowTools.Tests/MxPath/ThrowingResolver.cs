using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Tests.MxPath;

/// <summary>Fails one domain as "could not run" (no DNS server); passes the rest on.</summary>
internal sealed class ThrowingResolver : IMxPathResolver
{
    private readonly string _failing;
    private readonly IMxPathResolver _inner;

    public ThrowingResolver(string failing, IMxPathResolver inner)
    {
        _failing = failing;
        _inner = inner;
    }

    public Task<MxPathResolution> ResolveAsync(string domainName, int? seed, CancellationToken cancellationToken) =>
        domainName == _failing
            ? throw new MailFlowException(ErrorIds.NoDnsServer, MailFlowErrorCategory.NotSpecified, "no DNS server")
            : _inner.ResolveAsync(domainName, seed, cancellationToken);
}
