using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Finds a domain's mail exchangers and their addresses as RFC 5321 §5.1 requires. Lookup failures are part of
/// the result; only "cannot run at all" (no DNS server, bad arguments) throws a MailFlowException.
/// </summary>
public interface IMxPathResolver
{
    /// <param name="domainName">Lower-case ASCII domain, no trailing dot.</param>
    /// <param name="seed">Seed for shuffling equal preferences; null for a random order.</param>
    Task<MxPathResolution> ResolveAsync(string domainName, int? seed, CancellationToken cancellationToken);
}
