using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.MxPath;

/// <summary>The MX walk's resolver: <see cref="MxResolver"/> (the DNS engine) mapped onto <see cref="IMxPathResolver"/>.</summary>
public sealed class DnsMxPathResolver : IMxPathResolver
{
    private readonly DnsResolverOptions _options;
    private readonly string _serverLabel;

    /// <summary>The resolvers asked (empty: the system's), so other lookups of the same walk ask the same ones.</summary>
    public IReadOnlyList<IPEndPoint> Servers => _options.Servers;

    /// <summary>The batch's kept answers for names its domains share, for the TLS policy lookups of the same walk.</summary>
    public DnsAnswerCache? SharedAnswers => _options.SharedAnswers;

    public DnsMxPathResolver(DnsResolverOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _serverLabel = options.Servers.Count == 0 ? "system" : string.Join(", ", options.Servers.Select(SystemDnsServers.Describe));
    }

    /// <summary>
    /// The resolver for -DnsServer: addresses ("198.51.100.56", "[2001:db8::53]:5353") or names, which are looked
    /// up with the system's resolvers. None: the system's resolvers. Throws an invalid-invocation error for bad values.
    /// </summary>
    public static async Task<DnsMxPathResolver> CreateAsync(IReadOnlyList<string>? dnsServers, CancellationToken cancellationToken)
    {
        var endPoints = new List<IPEndPoint>();
        foreach (var text in dnsServers ?? Array.Empty<string>())
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var (host, address, port) = EdnsReachabilityRunner.ParseServer(text, "DnsServer");
            if (address is not null)
            {
                endPoints.Add(new IPEndPoint(address, port));
                continue;
            }

            var lookup = await new DnsResolver().ResolveAddressesAsync(host, cancellationToken);
            if (lookup.Addresses.Count == 0)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.UnknownHost, $"The DNS server name '{text}' given in -DnsServer did not resolve ({lookup.Error}); asked {SystemDnsServers.DescribeSystemResolver()}.", text);
            }

            endPoints.AddRange(lookup.Addresses.Select(a => new IPEndPoint(a, port)));
        }

        // Fails here, once, when the machine has no resolver configured. One batch, one set of shared answers.
        var options = new DnsResolverOptions { Servers = endPoints, SharedAnswers = new DnsAnswerCache() };
        _ = new DnsResolver(options);
        return new DnsMxPathResolver(options);
    }

    public async Task<MxPathResolution> ResolveAsync(string domainName, int? seed, CancellationToken cancellationToken)
    {
        var r = await MxResolver.ResolveAsync(domainName, new MxResolverOptions { Resolver = _options, Seed = seed }, cancellationToken);
        var notes = r.Notes.ToList();
        if (r.CnameChain.Count > 1)
        {
            notes.Add($"{domainName} is an alias (CNAME) for {r.CanonicalName}; its MX records were used.");
        }

        var source = r.Source switch
        {
            Dns.MxSource.Mx => MxPathSource.Mx,
            Dns.MxSource.ImplicitMx => MxPathSource.ImplicitMx,
            Dns.MxSource.NullMx => MxPathSource.NullMx,
            Dns.MxSource.NoMailDomain => MxPathSource.NoMailDomain,
            _ when r.Error == DnsLookupError.NxDomain => MxPathSource.NoMailDomain,
            _ => MxPathSource.Unresolved,
        };

        MxDnsError? error = null;
        if (r.Error != DnsLookupError.None)
        {
            error = new MxDnsError
            {
                Name = r.CanonicalName.Length > 0 ? r.CanonicalName : domainName,
                RecordType = "MX",
                Kind = Map(r.Error),
                Message = r.ErrorMessage ?? r.Error.ToString(),
                Server = r.Server ?? _serverLabel,
                ResponseBytes = r.AnswerSize > 0 ? r.AnswerSize : null,
                ElapsedMs = r.ElapsedMs,
            };
        }

        return new MxPathResolution
        {
            Source = source,
            Targets = r.Targets.Select(ToTarget).ToArray(),
            Error = error,
            DnsServer = r.Server ?? _serverLabel,
            ElapsedMs = r.ElapsedMs,
            Notes = notes.ToArray(),
        };
    }

    internal static MxDnsErrorKind Map(DnsLookupError error) => error switch
    {
        DnsLookupError.NxDomain => MxDnsErrorKind.NameError,
        DnsLookupError.ServFail => MxDnsErrorKind.ServerFailure,
        DnsLookupError.Refused => MxDnsErrorKind.Refused,
        DnsLookupError.Timeout => MxDnsErrorKind.Timeout,
        DnsLookupError.NetworkError => MxDnsErrorKind.NetworkError,
        _ => MxDnsErrorKind.Other,
    };

    private static MxPathTarget ToTarget(Dns.MxTarget t)
    {
        var v4 = new List<IPAddress>();
        var v6 = new List<IPAddress>();
        foreach (var a in t.Addresses)
        {
            if (IPAddress.TryParse(a.Address, out var ip))
            {
                (ip.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : v4).Add(ip);
            }
        }

        return new MxPathTarget
        {
            Preference = t.Preference,
            Exchange = t.Exchange,
            CanonicalName = t.IsCname ? t.CanonicalName : null,
            IsAddressLiteral = t.IsAddressLiteral,
            IPv4Addresses = v4.ToArray(),
            IPv6Addresses = v6.ToArray(),
            IPv4Error = Error(t.Exchange, "A", t.Ipv4Error),
            IPv6Error = Error(t.Exchange, "AAAA", t.Ipv6Error),
        };
    }

    private static MxDnsError? Error(string name, string type, DnsLookupError error) =>
        error == DnsLookupError.None ? null : new MxDnsError { Name = name, RecordType = type, Kind = Map(error), Message = error.ToString() };
}
