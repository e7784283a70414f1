using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// A stub resolver: asks the configured (or system) servers over UDP with EDNS 1232 and DO off, repeats over TCP
/// when the answer is truncated, moves to the next server on timeout, SERVFAIL or REFUSED, and follows CNAMEs.
/// </summary>
public sealed class DnsResolver
{
    public const int MaxCnameHops = 8;

    private readonly DnsResolverOptions _options;
    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly string _serverKey;

    /// <summary>Throws <see cref="MailFlowException"/> (<see cref="ErrorIds.NoDnsServer"/>) when no server is configured.</summary>
    public DnsResolver(DnsResolverOptions? options = null)
    {
        _options = options ?? new DnsResolverOptions();
        _servers = _options.Servers.Count > 0 ? _options.Servers : SystemDnsServers.Get();
        if (_servers.Count == 0)
        {
            throw new MailFlowException(ErrorIds.NoDnsServer, MailFlowErrorCategory.ResourceUnavailable, "No DNS server is configured on this machine; give one with -Server.");
        }

        _serverKey = _options.SharedAnswers is null ? string.Empty : string.Join(",", _servers) + "/" + _options.UdpBufferSize + (_options.TcpOnly ? "/tcp" : string.Empty);
    }

    public IReadOnlyList<IPEndPoint> Servers => _servers;

    /// <summary>One question, no CNAME following: the first definitive answer from the servers, in order.</summary>
    public async Task<DnsLookup> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        DnsLookup? last = null;
        for (var attempt = 0; attempt < Math.Max(1, _options.Attempts); attempt++)
        {
            foreach (var server in _servers)
            {
                var lookup = await QueryServerAsync(server, name, type, cancellationToken);
                if (lookup.Error is DnsLookupError.None or DnsLookupError.NxDomain)
                {
                    return WithElapsed(lookup, stopwatch);
                }

                // Keep the most telling failure: an RCODE beats silence.
                if (last is null || last.ResponseCode is null || lookup.ResponseCode is not null)
                {
                    last = lookup;
                }
            }
        }

        return WithElapsed(last!, stopwatch);
    }

    /// <summary>
    /// Looks up <paramref name="name"/>/<paramref name="type"/> and follows a CNAME chain from the query name
    /// (using what the answer already holds, re-querying the target when it does not), at most 8 hops.
    /// </summary>
    public async Task<DnsLookup> LookupAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var chain = new List<string> { name };
        var current = name;
        while (true)
        {
            var lookup = await QueryAsync(current, type, cancellationToken);
            if (lookup.Response is null || lookup.Error is not DnsLookupError.None and not DnsLookupError.NxDomain)
            {
                return Finish(lookup, name, type, chain, Array.Empty<DnsRecord>(), stopwatch, lookup.Error, lookup.ErrorMessage);
            }

            var answers = lookup.Response.Answers;
            var loop = false;
            while (true)
            {
                var owner = current;
                var records = answers.Where(r => r.Type == type && DnsName.Equal(r.Name, owner)).ToList();
                if (records.Count > 0 || type == DnsRecordType.CNAME)
                {
                    return Finish(lookup, name, type, chain, records, stopwatch, lookup.Error, lookup.ErrorMessage);
                }

                var cname = answers.FirstOrDefault(r => r.Type == DnsRecordType.CNAME && DnsName.Equal(r.Name, owner))?.Data as DnsNameData;
                if (cname is null)
                {
                    break;
                }

                if (chain.Any(c => DnsName.Equal(c, cname.Target)) || chain.Count > MaxCnameHops)
                {
                    loop = true;
                    break;
                }

                chain.Add(cname.Target);
                current = cname.Target;
            }

            if (loop)
            {
                return Finish(lookup, name, type, chain, Array.Empty<DnsRecord>(), stopwatch, DnsLookupError.CnameLoop, "The CNAME chain loops or is longer than " + MaxCnameHops + " names.");
            }

            // No records and no further CNAME in this answer. The RCODE describes the end of the chain (RFC 6604),
            // so NXDOMAIN, or NODATA for the name just asked, is final; a NOERROR answer that stopped at a CNAME
            // gets the target asked next.
            var lastOwner = chain[chain.Count - 1];
            if (DnsName.Equal(lookup.Name, lastOwner) || lookup.Error == DnsLookupError.NxDomain)
            {
                return Finish(lookup, name, type, chain, Array.Empty<DnsRecord>(), stopwatch, lookup.Error, lookup.ErrorMessage);
            }

            current = lastOwner;
        }
    }

    /// <summary><see cref="LookupAsync"/> through the options' <see cref="DnsResolverOptions.SharedAnswers"/>, when they carry them.</summary>
    public Task<DnsLookup> SharedLookupAsync(string name, DnsRecordType type, CancellationToken cancellationToken) =>
        SharedAsync(name, type, followsCnames: true, () => LookupAsync(name, type, cancellationToken), cancellationToken);

    /// <summary><see cref="QueryAsync"/> through the options' <see cref="DnsResolverOptions.SharedAnswers"/>, when they carry them.</summary>
    public Task<DnsLookup> SharedQueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken) =>
        SharedAsync(name, type, followsCnames: false, () => QueryAsync(name, type, cancellationToken), cancellationToken);

    private async Task<DnsLookup> SharedAsync(string name, DnsRecordType type, bool followsCnames, Func<Task<DnsLookup>> ask, CancellationToken cancellationToken)
    {
        if (_options.SharedAnswers is not { } shared)
        {
            return await ask().ConfigureAwait(false);
        }

        try
        {
            return await shared.GetOrAskAsync(_serverKey, name, type, _options.DnssecOk, followsCnames, ask).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller that started the shared question was cancelled, this one was not: it asks for itself.
            return await ask().ConfigureAwait(false);
        }
    }

    /// <summary>A and AAAA for a host, in parallel, following CNAMEs (shared within a batch when the options say so).</summary>
    public Task<HostAddressLookup> ResolveAddressesAsync(string host, CancellationToken cancellationToken) => ResolveAddressesAsync(host, share: true, cancellationToken);

    /// <summary>A and AAAA for a host, in parallel, following CNAMEs; <paramref name="share"/> false for a name only one domain asks (its implicit MX).</summary>
    public async Task<HostAddressLookup> ResolveAddressesAsync(string host, bool share, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var v4 = share ? SharedLookupAsync(host, DnsRecordType.A, cancellationToken) : LookupAsync(host, DnsRecordType.A, cancellationToken);
        var v6 = share ? SharedLookupAsync(host, DnsRecordType.AAAA, cancellationToken) : LookupAsync(host, DnsRecordType.AAAA, cancellationToken);
        await Task.WhenAll(v4, v6);
        var a = await v4;
        var aaaa = await v6;
        var addresses = a.Data<DnsAddressData>().Concat(aaaa.Data<DnsAddressData>()).Select(d => d.Address).Distinct().ToList();
        return new HostAddressLookup
        {
            Host = host,
            Addresses = addresses,
            Ipv4Error = a.Error,
            Ipv6Error = aaaa.Error,
            IsCname = a.IsCname || aaaa.IsCname,
            CanonicalName = a.IsCname ? a.CanonicalName : aaaa.CanonicalName,
            ElapsedMs = stopwatch.Elapsed.TotalMilliseconds,
        };
    }

    private async Task<DnsLookup> QueryServerAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var bufferSize = _options.UdpBufferSize;
        var fellBack = false;
        DnsExchangeResult exchange;
        while (true)
        {
            var query = DnsQueryFactory.Create(name, type, new DnsQueryOptions { EdnsBufferSize = bufferSize, DnssecOk = _options.DnssecOk && bufferSize > 0 });
            if (_options.TcpOnly)
            {
                exchange = await DnsTcpExchange.ExchangeAsync(server, query, _options.Timeout, cancellationToken);
            }
            else
            {
                exchange = await DnsUdpExchange.ExchangeAsync(server, query, _options.Timeout, cancellationToken);
                if (exchange.HasResponse && exchange.Response!.IsTruncated)
                {
                    fellBack = true;
                    var tcpQuery = DnsQueryFactory.Create(name, type, new DnsQueryOptions { EdnsBufferSize = bufferSize, DnssecOk = _options.DnssecOk && bufferSize > 0 });
                    var tcp = await DnsTcpExchange.ExchangeAsync(server, tcpQuery, _options.Timeout, cancellationToken);
                    if (!tcp.HasResponse)
                    {
                        return Failed(server, name, type, tcp, fellBack, "The UDP answer was truncated and TCP failed: " + (tcp.Error ?? tcp.Status.ToString()));
                    }

                    exchange = tcp;
                }
            }

            // RFC 6891 §7: a server that rejects EDNS gets the query again without it.
            if (exchange.HasResponse && bufferSize > 0 && exchange.Response!.Edns is null
                && exchange.Response.ResponseCode is DnsResponseCode.FormErr or DnsResponseCode.NotImp)
            {
                bufferSize = 0;
                continue;
            }

            break;
        }

        if (!exchange.HasResponse)
        {
            return Failed(server, name, type, exchange, fellBack, exchange.Error ?? exchange.Status.ToString());
        }

        var response = exchange.Response!;
        var error = response.ResponseCode switch
        {
            DnsResponseCode.NoError => DnsLookupError.None,
            DnsResponseCode.NxDomain => DnsLookupError.NxDomain,
            DnsResponseCode.ServFail => DnsLookupError.ServFail,
            DnsResponseCode.Refused => DnsLookupError.Refused,
            DnsResponseCode.FormErr => DnsLookupError.FormErr,
            DnsResponseCode.NotImp => DnsLookupError.NotImplemented,
            _ => DnsLookupError.OtherResponseCode,
        };
        return new DnsLookup
        {
            Name = name,
            Type = type,
            Error = error,
            ResponseCode = response.ResponseCode,
            Response = response,
            Server = server,
            Transport = exchange.Transport,
            FellBackToTcp = fellBack,
            ResponseSize = exchange.ResponseSize,
            ElapsedMs = exchange.ElapsedMs,
            CnameChain = new[] { name },
            ErrorMessage = error == DnsLookupError.None ? null : $"{SystemDnsServers.Describe(server)} answered {response.ResponseCode}.",
        };
    }

    private static DnsLookup Failed(IPEndPoint server, string name, DnsRecordType type, DnsExchangeResult exchange, bool fellBack, string message) => new()
    {
        Name = name,
        Type = type,
        Error = exchange.Status switch
        {
            DnsExchangeStatus.Malformed => DnsLookupError.Malformed,
            DnsExchangeStatus.NetworkError => DnsLookupError.NetworkError,
            _ => DnsLookupError.Timeout,
        },
        Server = server,
        Transport = exchange.Transport,
        FellBackToTcp = fellBack,
        ElapsedMs = exchange.ElapsedMs,
        CnameChain = new[] { name },
        ErrorMessage = SystemDnsServers.Describe(server) + ": " + message,
    };

    private static DnsLookup WithElapsed(DnsLookup lookup, Stopwatch stopwatch) => new()
    {
        Name = lookup.Name,
        Type = lookup.Type,
        Error = lookup.Error,
        ResponseCode = lookup.ResponseCode,
        Response = lookup.Response,
        Server = lookup.Server,
        Transport = lookup.Transport,
        FellBackToTcp = lookup.FellBackToTcp,
        ResponseSize = lookup.ResponseSize,
        ElapsedMs = stopwatch.Elapsed.TotalMilliseconds,
        Records = lookup.Records,
        CnameChain = lookup.CnameChain,
        ErrorMessage = lookup.ErrorMessage,
    };

    private static DnsLookup Finish(DnsLookup last, string name, DnsRecordType type, List<string> chain, IReadOnlyList<DnsRecord> records, Stopwatch stopwatch, DnsLookupError error, string? message) => new()
    {
        Name = name,
        Type = type,
        Error = error,
        ResponseCode = last.ResponseCode,
        Response = last.Response,
        Server = last.Server,
        Transport = last.Transport,
        FellBackToTcp = last.FellBackToTcp,
        ResponseSize = last.ResponseSize,
        ElapsedMs = stopwatch.Elapsed.TotalMilliseconds,
        Records = records,
        CnameChain = chain.ToArray(),
        ErrorMessage = message,
    };

    internal static bool IsIpv6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6;
}
