using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The real discovery: TXT and TLSA through the project's DNS engine, the policy over HTTPS.</summary>
public sealed class LiveTlsPolicySource : ITlsPolicySource
{
    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly DnsAnswerCache? _shared;

    /// <param name="servers">The resolvers to ask (the same as the MX walk's); empty for the system's.</param>
    /// <param name="shared">The batch's kept answers: each MX host's TLSA is asked once per TTL, not once per domain.</param>
    public LiveTlsPolicySource(IReadOnlyList<IPEndPoint> servers, DnsAnswerCache? shared = null)
    {
        _servers = servers;
        _shared = shared;
    }

    public async Task<TlsPolicyDiscovery> DiscoverAsync(string domain, IReadOnlyList<string> exchanges, TlsPolicyOptions options, CancellationToken cancellationToken)
    {
        var resolver = new DnsResolver(new DnsResolverOptions { Servers = _servers, Timeout = options.DnsTimeout });
        var stsTask = MtaStsAsync(domain, resolver, options, cancellationToken);
        var daneTasks = exchanges.Distinct(StringComparer.OrdinalIgnoreCase).Select(x => TlsaLookup.LookupAsync(x, resolver.Servers, options.DnsTimeout, _shared, cancellationToken)).ToList();
        var (sts, policy) = await stsTask.ConfigureAwait(false);
        var dane = await Task.WhenAll(daneTasks).ConfigureAwait(false);
        return new TlsPolicyDiscovery { MtaSts = sts, Policy = policy, Dane = dane, Resolver = string.Join(", ", resolver.Servers.Select(SystemDnsServers.Describe)) };
    }

    private static async Task<(MtaStsResult, MtaStsPolicy?)> MtaStsAsync(string domain, DnsResolver resolver, TlsPolicyOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var txt = await resolver.LookupAsync("_mta-sts." + domain, DnsRecordType.TXT, cancellationToken).ConfigureAwait(false);
        if (txt.Error is not (DnsLookupError.None or DnsLookupError.NxDomain))
        {
            return (new MtaStsResult { Status = MtaStsStatus.RecordLookupFailed, Problem = "the TXT lookup for _mta-sts." + domain + " failed (" + txt.Error + ")", ElapsedMs = clock.Elapsed.TotalMilliseconds }, null);
        }

        var record = MtaStsRecordParser.Parse(txt.Data<DnsTxtData>().Select(t => t.Text).ToList());
        switch (record.Status)
        {
            case MtaStsRecordStatus.NotPublished:
                return (new MtaStsResult { Status = MtaStsStatus.NotPublished, ElapsedMs = clock.Elapsed.TotalMilliseconds }, null);
            case MtaStsRecordStatus.Conflicting:
                return (new MtaStsResult { Status = MtaStsStatus.RecordConflicting, RecordText = record.Text, Problem = record.Problem, ResultType = TlsResultType.StsPolicyInvalid, ElapsedMs = clock.Elapsed.TotalMilliseconds }, null);
            case MtaStsRecordStatus.Invalid:
                return (new MtaStsResult { Status = MtaStsStatus.RecordInvalid, RecordText = record.Text, Problem = record.Problem, ResultType = TlsResultType.StsPolicyInvalid, ElapsedMs = clock.Elapsed.TotalMilliseconds }, null);
        }

        var fetch = await MtaStsFetcher.FetchAsync(domain, options.TrustedRoots, options.PolicyFetchTimeout, cancellationToken).ConfigureAwait(false);
        if (fetch.Body is null)
        {
            return (new MtaStsResult { Status = fetch.Status, RecordId = record.Id, RecordText = record.Text, PolicyUrl = fetch.Url, HttpStatus = fetch.HttpStatus, Problem = fetch.Problem, ResultType = fetch.ResultType, ElapsedMs = clock.Elapsed.TotalMilliseconds }, null);
        }

        if (!MtaStsPolicyParser.TryParse(fetch.Body, out var policy, out var problem))
        {
            return (new MtaStsResult { Status = MtaStsStatus.PolicyInvalid, RecordId = record.Id, RecordText = record.Text, PolicyUrl = fetch.Url, HttpStatus = fetch.HttpStatus, Problem = "the policy does not parse: " + problem, ResultType = TlsResultType.StsPolicyInvalid, ElapsedMs = clock.Elapsed.TotalMilliseconds }, null);
        }

        return (new MtaStsResult
        {
            Status = MtaStsStatus.Valid,
            Mode = policy!.Mode,
            RecordId = record.Id,
            RecordText = record.Text,
            PolicyUrl = fetch.Url,
            HttpStatus = fetch.HttpStatus,
            Mx = policy.Mx.ToArray(),
            MaxAgeSeconds = policy.MaxAgeSeconds,
            ElapsedMs = clock.Elapsed.TotalMilliseconds,
        }, policy);
    }
}
