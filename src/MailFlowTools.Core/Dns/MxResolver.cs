using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Resolves the mail exchangers of a domain (RFC 5321 §5.1): MX records sorted by preference with equal
/// preferences shuffled; no MX means the domain's own A/AAAA (implicit MX); "MX 0 ." is a null MX (RFC 7505).
/// A CNAME on the domain is followed; an MX target that is a CNAME or an address literal is flagged.
/// </summary>
public static class MxResolver
{
    private static readonly object RandomGate = new();
    private static readonly Random SharedRandom = new(Guid.NewGuid().GetHashCode());

    /// <summary>
    /// Throws <see cref="Errors.MailFlowException"/> only for an invalid domain (InvalidDomainName) or when no DNS
    /// server is configured (NoDnsServer); DNS failures are in <see cref="MxResolution.Error"/>.
    /// </summary>
    public static async Task<MxResolution> ResolveAsync(string domain, MxResolverOptions? options, CancellationToken cancellationToken)
    {
        options ??= new MxResolverOptions();
        var ascii = DomainNames.Normalize(domain, "Domain");
        var stopwatch = Stopwatch.StartNew();
        var resolver = new DnsResolver(options.Resolver);
        var mx = await resolver.LookupAsync(ascii, DnsRecordType.MX, cancellationToken);
        var common = new MxResolution
        {
            Domain = ascii,
            CanonicalName = mx.CanonicalName,
            CnameChain = mx.CnameChain,
            AnswerSize = mx.ResponseSize,
            Transport = mx.Transport,
            Server = mx.Server is null ? null : SystemDnsServers.Describe(mx.Server),
        };

        if (mx.Error != DnsLookupError.None)
        {
            return With(common, MxSource.LookupFailed, Array.Empty<MxTarget>(), mx.Error, mx.ErrorMessage ?? mx.Error.ToString(), stopwatch);
        }

        var records = mx.Data<DnsMxData>().ToList();
        var notes = new List<string>();
        if (records.Count == 0)
        {
            var host = await resolver.ResolveAddressesAsync(mx.CanonicalName, share: false, cancellationToken);
            if (host.Addresses.Count == 0)
            {
                return host.Error == DnsLookupError.None
                    ? With(common, MxSource.NoMailDomain, Array.Empty<MxTarget>(), DnsLookupError.None, null, stopwatch)
                    : With(common, MxSource.LookupFailed, Array.Empty<MxTarget>(), host.Error, "The domain has no MX records and its address lookup failed: " + host.Error + ".", stopwatch);
            }

            var implicitTarget = ToTarget(0, mx.CanonicalName, host);
            return With(common, MxSource.ImplicitMx, new[] { implicitTarget }, DnsLookupError.None, null, stopwatch);
        }

        var nulls = records.Where(r => DnsName.IsRoot(r.Exchange)).ToList();
        if (nulls.Count > 0)
        {
            if (records.Count == nulls.Count)
            {
                return With(common, MxSource.NullMx, Array.Empty<MxTarget>(), DnsLookupError.None, null, stopwatch);
            }

            notes.Add("The domain publishes a null MX (\".\") together with other MX records, which RFC 7505 forbids; the null MX was ignored.");
            records = records.Except(nulls).ToList();
        }

        var ordered = Order(records, options.Seed);
        var targets = new MxTarget[ordered.Count];
        if (options.ResolveAddresses)
        {
            var lookups = ordered.Select(r => resolver.ResolveAddressesAsync(r.Exchange, cancellationToken)).ToArray();
            await Task.WhenAll(lookups);
            for (var i = 0; i < ordered.Count; i++)
            {
                targets[i] = ToTarget(ordered[i].Preference, ordered[i].Exchange, await lookups[i]);
            }
        }
        else
        {
            for (var i = 0; i < ordered.Count; i++)
            {
                targets[i] = new MxTarget
                {
                    Preference = ordered[i].Preference,
                    Exchange = ordered[i].Exchange,
                    CanonicalName = ordered[i].Exchange,
                    IsAddressLiteral = IsAddressLiteral(ordered[i].Exchange),
                };
            }
        }

        return With(common, MxSource.Mx, targets, DnsLookupError.None, null, stopwatch, notes);
    }

    /// <summary>Sort by preference and shuffle each group of equal preference (Fisher-Yates).</summary>
    public static IReadOnlyList<DnsMxData> Order(IEnumerable<DnsMxData> records, int? seed)
    {
        var random = seed is { } s ? new Random(s) : null;
        var result = new List<DnsMxData>();
        foreach (var group in records.GroupBy(r => r.Preference).OrderBy(g => g.Key))
        {
            // Servers rotate RRsets, so start from a canonical order: the same seed must give the same order.
            var items = group.OrderBy(r => r.Exchange, StringComparer.OrdinalIgnoreCase).ToList();
            for (var i = items.Count - 1; i > 0; i--)
            {
                var j = Next(random, i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }

            result.AddRange(items);
        }

        return result;
    }

    /// <summary>True for "192.0.2.1", "[192.0.2.1]", "2001:db8::1", "[IPv6:2001:db8::1]".</summary>
    public static bool IsAddressLiteral(string exchange)
    {
        var text = (exchange ?? string.Empty).Trim().TrimEnd('.');
        if (text.StartsWith("[", StringComparison.Ordinal) && text.EndsWith("]", StringComparison.Ordinal))
        {
            text = text.Substring(1, text.Length - 2);
            if (text.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            {
                text = text.Substring(5);
            }
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        // IPAddress.TryParse accepts "1" or "10.1"; only a dotted quad or an IPv6 form is a literal.
        return address.AddressFamily == AddressFamily.InterNetworkV6 || text.Split('.').Length == 4;
    }

    private static int Next(Random? random, int max)
    {
        if (random is not null)
        {
            return random.Next(max);
        }

        lock (RandomGate)
        {
            return SharedRandom.Next(max);
        }
    }

    private static MxTarget ToTarget(int preference, string exchange, HostAddressLookup host) => new()
    {
        Preference = preference,
        Exchange = exchange,
        IsCname = host.IsCname,
        CanonicalName = host.IsCname ? host.CanonicalName : exchange,
        IsAddressLiteral = IsAddressLiteral(exchange),
        Addresses = host.Addresses
            .OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0)
            .Select(a => new MxAddress { Address = a.ToString(), Family = a.AddressFamily == AddressFamily.InterNetworkV6 ? DnsAddressFamily.IPv6 : DnsAddressFamily.IPv4 })
            .ToArray(),
        AddressError = host.Error,
        Ipv4Error = host.Ipv4Error,
        Ipv6Error = host.Ipv6Error,
    };

    private static MxResolution With(MxResolution common, MxSource source, IReadOnlyList<MxTarget> targets, DnsLookupError error, string? message, Stopwatch stopwatch, IReadOnlyList<string>? notes = null) => new()
    {
        Domain = common.Domain,
        CanonicalName = common.CanonicalName,
        CnameChain = common.CnameChain,
        Source = source,
        Targets = targets,
        Error = error,
        ErrorMessage = message,
        AnswerSize = common.AnswerSize,
        Transport = common.Transport,
        Server = common.Server,
        ElapsedMs = stopwatch.Elapsed.TotalMilliseconds,
        Notes = notes ?? Array.Empty<string>(),
    };
}
