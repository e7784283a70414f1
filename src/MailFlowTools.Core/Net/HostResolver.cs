using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Net;

/// <summary>
/// Turns a -ComputerName into addresses through the system resolver, as the SMTP session and the path-MTU probe
/// both need: an address literal (bracketed or not) as is, a host name normalised (IDN) and looked up within a
/// bounded wait. Errors are <see cref="MailFlowException"/>s for that one host (InvalidHostName, UnknownHost).
/// </summary>
public static class HostResolver
{
    /// <summary>Every address of <paramref name="name"/>, IPv4-mapped addresses unmapped, duplicates removed, resolver order kept.</summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        name = (name ?? string.Empty).Trim();
        if (TryParseLiteral(name, out var literal))
        {
            return new[] { Unmap(literal) };
        }

        if (!DomainNames.TryNormalize(name, out var ascii, out var reason))
        {
            // One bad name among piped hosts is that item's error, not the end of the pipeline.
            throw new MailFlowException(ErrorIds.InvalidHostName, MailFlowErrorCategory.InvalidArgument, $"'{name}' is not a valid host name for -ComputerName: {reason}", name);
        }

#if NET8_0_OR_GREATER
        var lookup = System.Net.Dns.GetHostAddressesAsync(ascii, cancellationToken);
#else
        var lookup = System.Net.Dns.GetHostAddressesAsync(ascii);
#endif
        var winner = await Task.WhenAny(lookup, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (winner != lookup)
        {
            _ = lookup.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.OperationTimeout, $"{DomainNames.Quote(name, ascii)} did not resolve within {timeout.TotalSeconds:0.###} s; asked {Dns.SystemDnsServers.DescribeSystemResolver()}.", name);
        }

        IPAddress[] found;
        try
        {
            found = await lookup.ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, $"{DomainNames.Quote(name, ascii)} did not resolve ({ex.SocketErrorCode}: {ex.Message}); asked {Dns.SystemDnsServers.DescribeSystemResolver()}.", name, innerException: ex);
        }

        var list = found.Select(Unmap).Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6).Distinct().ToList();
        if (list.Count == 0)
        {
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, $"{DomainNames.Quote(name, ascii)} has no address; asked {Dns.SystemDnsServers.DescribeSystemResolver()}.", name);
        }

        return list;
    }

    /// <summary>An IP address, bare or in brackets ("[2001:db8::1]").</summary>
    public static bool TryParseLiteral(string name, out IPAddress address) =>
        IPAddress.TryParse((name ?? string.Empty).Trim().Trim('[', ']'), out address!);

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
