using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Looks up <c>_25._tcp.&lt;mx&gt;</c> TLSA as a DANE sender does (RFC 7672 §2.2): with DO set, trusting the
/// records only when the validating resolver sets AD. A SERVFAIL is asked again with CD set, to tell a bogus
/// chain from a lookup that is lost; a lost one is repeated at the zone's own name servers over UDP and TCP,
/// so the finding can say whether a large answer is what gets lost.
/// </summary>
public static class TlsaLookup
{
    private static readonly TimeSpan EvidenceTimeout = TimeSpan.FromSeconds(2);
    private const int MaxEvidenceServers = 4;

    /// <param name="shared">A batch's kept answers (<see cref="DnsAnswerCache"/>); null asks every time.</param>
    public static async Task<DaneTlsaResult> LookupAsync(string exchange, IReadOnlyList<IPEndPoint> servers, TimeSpan timeout, DnsAnswerCache? shared, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var name = "_25._tcp." + exchange.TrimEnd('.');
        var options = new DnsResolverOptions { Servers = servers, DnssecOk = true, Timeout = timeout, Attempts = 1, SharedAnswers = shared };
        var resolver = new DnsResolver(options);
        var label = string.Join(", ", resolver.Servers.Select(SystemDnsServers.Describe));
        var lookup = await resolver.SharedQueryAsync(name, DnsRecordType.TLSA, cancellationToken);
        var server = lookup.Server is null ? label : SystemDnsServers.Describe(lookup.Server);
        var ad = lookup.Response?.AuthenticData == true;

        if (lookup.Error is DnsLookupError.None or DnsLookupError.NxDomain)
        {
            var raw = lookup.Response!.Answers.Where(r => r.Type == DnsRecordType.TLSA && DnsName.Equal(r.Name, name)).Select(r => r.Data).OfType<DnsRawData>().ToList();
            var parsed = raw.Select(r => TlsaRecord.FromRData(r.Bytes)).Where(r => r is not null).Select(r => r!).ToList();
            var status = !ad ? DaneStatus.Insecure : parsed.Count == 0 ? DaneStatus.NoRecords : DaneStatus.Secure;
            return new DaneTlsaResult
            {
                Exchange = exchange,
                TlsaName = name,
                Status = status,
                Records = parsed.Select(r => r.ToString()).ToArray(),
                UsableRecords = parsed.Count(r => r.IsUsableForSmtp),
                Authenticated = ad,
                Resolver = server,
                ResponseBytes = lookup.ResponseSize,
                Transport = lookup.Transport.ToString(),
                ElapsedMs = clock.Elapsed.TotalMilliseconds,
                Parsed = parsed,
            };
        }

        if (lookup.Error == DnsLookupError.ServFail && lookup.Server is not null && await AnswersWithCheckingDisabledAsync(lookup.Server, name, timeout, cancellationToken))
        {
            return new DaneTlsaResult
            {
                Exchange = exchange,
                TlsaName = name,
                Status = DaneStatus.Bogus,
                Resolver = server,
                Error = "SERVFAIL; with CD set the records are returned, so validation failed",
                ElapsedMs = clock.Elapsed.TotalMilliseconds,
            };
        }

        var (evidence, tcpBytes) = await AuthoritativeEvidenceAsync(name, servers, cancellationToken);
        return new DaneTlsaResult
        {
            Exchange = exchange,
            TlsaName = name,
            Status = DaneStatus.LookupFailed,
            Resolver = server,
            Error = lookup.Error == DnsLookupError.Timeout ? F("no answer within {0:0.#} s", timeout.TotalSeconds) : lookup.Error.ToString(),
            EdnsEvidence = evidence,
            AuthoritativeTcpBytes = tcpBytes,
            ElapsedMs = clock.Elapsed.TotalMilliseconds,
        };
    }

    private static async Task<bool> AnswersWithCheckingDisabledAsync(IPEndPoint server, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var query = DnsQueryFactory.Create(name, DnsRecordType.TLSA, new DnsQueryOptions { CheckingDisabled = true, DnssecOk = true });
        var exchange = await DnsUdpExchange.ExchangeAsync(server, query, timeout, cancellationToken);
        if (exchange.HasResponse && exchange.Response!.IsTruncated)
        {
            exchange = await DnsTcpExchange.ExchangeAsync(server, DnsQueryFactory.Create(name, DnsRecordType.TLSA, new DnsQueryOptions { CheckingDisabled = true, DnssecOk = true }), timeout, cancellationToken);
        }

        return exchange.HasResponse && exchange.Response!.ResponseCode is DnsResponseCode.NoError or DnsResponseCode.NxDomain;
    }

    /// <summary>The same question at the zone's name servers: UDP with a 4096-byte buffer, and TCP.</summary>
    private static async Task<(string? Evidence, int? TcpBytes)> AuthoritativeEvidenceAsync(string name, IReadOnlyList<IPEndPoint> servers, CancellationToken cancellationToken)
    {
        AuthoritativeServers auth;
        try
        {
            auth = await AuthoritativeServerFinder.FindAsync(name, new DnsResolverOptions { Servers = servers }, cancellationToken);
        }
        catch (Errors.MailFlowException)
        {
            return (null, null);
        }

        // One address of each server first (IPv4 first), so every server is asked before any is asked twice.
        var targets = auth.NameServers
            .SelectMany(ns => ns.Addresses.OrderBy(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6).Select((a, i) => (ns.Name, Address: a, Rank: i)))
            .OrderBy(t => t.Rank)
            .Take(MaxEvidenceServers)
            .Select(t => (t.Name, t.Address))
            .ToList();
        if (targets.Count == 0)
        {
            return (auth.ErrorMessage, null);
        }

        var probes = targets.Select(async t =>
        {
            var endPoint = new IPEndPoint(t.Address, 53);
            var udp = await DnsUdpExchange.ExchangeAsync(endPoint, DnsQueryFactory.Create(name, DnsRecordType.TLSA, new DnsQueryOptions { RecursionDesired = false, DnssecOk = true, EdnsBufferSize = 4096 }), EvidenceTimeout, cancellationToken);
            var tcp = await DnsTcpExchange.ExchangeAsync(endPoint, DnsQueryFactory.Create(name, DnsRecordType.TLSA, new DnsQueryOptions { RecursionDesired = false, DnssecOk = true, EdnsBufferSize = 4096 }), EvidenceTimeout, cancellationToken);
            var udpText = udp.HasResponse ? F("UDP {0} bytes", udp.ResponseSize) : "UDP lost (" + udp.Status + ")";
            var tcpText = tcp.HasResponse ? F("TCP {0} bytes", tcp.ResponseSize) : "TCP failed (" + tcp.Status + ")";
            return (Text: F("{0} [{1}]: {2}, {3}", t.Name, t.Address, udpText, tcpText), Tcp: tcp.HasResponse ? tcp.ResponseSize : (int?)null);
        }).ToList();
        var results = await Task.WhenAll(probes);
        var max = results.Select(r => r.Tcp).Where(b => b is not null).DefaultIfEmpty(null).Max();
        return ("at the zone's name servers with a 4096-byte buffer: " + string.Join("; ", results.Select(r => r.Text)), max);
    }

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
