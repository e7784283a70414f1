using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Finds the authoritative servers for a name through a resolver: asks NS for the name and walks up (using the
/// SOA owner of a negative answer as a shortcut) until a zone apex answers, then looks up every server's addresses.
/// </summary>
public static class AuthoritativeServerFinder
{
    private const int MaxSteps = 16;

    public static async Task<AuthoritativeServers> FindAsync(string name, DnsResolverOptions? options, CancellationToken cancellationToken)
    {
        var resolver = new DnsResolver(options);
        var current = DnsName.Normalize(name);
        for (var step = 0; step < MaxSteps; step++)
        {
            var lookup = await resolver.QueryAsync(current, DnsRecordType.NS, cancellationToken);
            if (lookup.Error is not DnsLookupError.None and not DnsLookupError.NxDomain || lookup.Response is null)
            {
                return new AuthoritativeServers { Name = name, Error = lookup.Error, ErrorMessage = $"NS lookup for {current} failed: {lookup.ErrorMessage ?? lookup.Error.ToString()}" };
            }

            var owner = current;
            var ns = lookup.Response.Answers.Where(r => r.Type == DnsRecordType.NS && DnsName.Equal(r.Name, owner)).Select(r => ((DnsNameData)r.Data).Target).ToList();
            if (ns.Count > 0)
            {
                return new AuthoritativeServers
                {
                    Name = name,
                    Zone = current,
                    NameServers = await AddressesAsync(resolver, ns, lookup.Response, cancellationToken),
                };
            }

            var soa = lookup.Response.Authorities.FirstOrDefault(r => r.Type == DnsRecordType.SOA);
            string? next;
            if (soa is not null && !DnsName.Equal(soa.Name, current) && DnsName.IsSubdomainOf(current, soa.Name))
            {
                next = DnsName.Normalize(soa.Name);
            }
            else
            {
                next = DnsName.Parent(current);
            }

            if (next is null || DnsName.IsRoot(next) && DnsName.IsRoot(current))
            {
                break;
            }

            current = next;
        }

        return new AuthoritativeServers { Name = name, Error = DnsLookupError.NxDomain, ErrorMessage = $"No zone with NS records was found above {name}." };
    }

    private static async Task<IReadOnlyList<NameServerInfo>> AddressesAsync(DnsResolver resolver, IReadOnlyList<string> servers, DnsMessage response, CancellationToken cancellationToken)
    {
        var tasks = servers.Select(async server =>
        {
            // Glue in the additional section saves a lookup when the resolver included it.
            var glue = response.Additionals
                .Where(r => (r.Type == DnsRecordType.A || r.Type == DnsRecordType.AAAA) && DnsName.Equal(r.Name, server))
                .Select(r => ((DnsAddressData)r.Data).Address)
                .ToList();
            if (glue.Any(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) && glue.Any(DnsResolver.IsIpv6))
            {
                return new NameServerInfo { Name = server, Addresses = glue };
            }

            var host = await resolver.ResolveAddressesAsync(server, cancellationToken);
            return new NameServerInfo { Name = server, Addresses = host.Addresses.Union(glue).ToList(), AddressError = host.Error };
        });
        var result = await Task.WhenAll(tasks);
        return result.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
