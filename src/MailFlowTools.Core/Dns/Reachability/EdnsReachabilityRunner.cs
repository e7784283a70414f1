using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>
/// Test-EdnsReachability end to end for one name: validate, find the server addresses (given, or the zone's
/// authoritative servers), probe them in parallel and emit one result per address in a stable order.
/// The cmdlet and the CLI verb both call <see cref="RunAsync"/>.
/// </summary>
public static class EdnsReachabilityRunner
{
    /// <summary>Server addresses probed at the same time.</summary>
    public const int MaxParallelServers = 4;

    public static async Task RunAsync(EdnsReachabilityRequest request, Action<EdnsReachabilityResult> emit, Action<MailFlowException> emitError, IEngineReporter? reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullEngineReporter.Instance;
        var options = request.ToOptions();
        if (!DomainNames.TryNormalize(request.Name, out var name, out var reason))
        {
            // One bad name in a pipeline of domains must not stop the others.
            emitError(new MailFlowException(ErrorIds.InvalidDomainName, MailFlowErrorCategory.InvalidArgument, $"'{request.Name}' is not a valid domain name for -Name: {reason}", request.Name));
            return;
        }

        var specs = request.Servers.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => ParseServer(s)).ToList();
        var targets = specs.Count > 0
            ? await ResolveGivenAsync(specs, request, emitError, cancellationToken)
            : await DiscoverAsync(name, request, emitError, reporter, cancellationToken);
        if (targets.Count == 0)
        {
            return;
        }

        reporter.Progress(new EngineProgress(1, "Test-EdnsReachability " + name, $"probing {targets.Count} server address(es)", 0));
        using var gate = new SemaphoreSlim(MaxParallelServers);
        var tasks = targets.Select(async target =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await EdnsReachabilityTester.TestServerAsync(target, name, options, reporter, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        for (var i = 0; i < tasks.Count; i++)
        {
            emit(await tasks[i]);
            reporter.Progress(new EngineProgress(1, "Test-EdnsReachability " + name, $"{i + 1} of {tasks.Count} done", (i + 1) * 100 / tasks.Count, completed: i + 1 == tasks.Count));
        }
    }

    /// <summary>
    /// Splits "address", "[v6]:port", "address:port", "host" and "host:port". Throws an invalid-invocation
    /// error (InvalidHostName or ValueOutOfRange) when the text cannot be a server.
    /// </summary>
    public static (string Host, IPAddress? Address, int Port) ParseServer(string text, string parameterName = "Server")
    {
        var spec = text.Trim();
        var port = 53;
        string host;
        if (spec.StartsWith("[", StringComparison.Ordinal))
        {
            var close = spec.IndexOf(']');
            if (close < 0)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidHostName, $"'{text}' is not a valid server for -{parameterName}: it has '[' without ']'.", text);
            }

            host = spec.Substring(1, close - 1);
            var rest = spec.Substring(close + 1);
            if (rest.Length > 0)
            {
                port = ParsePort(rest.StartsWith(":", StringComparison.Ordinal) ? rest.Substring(1) : rest, text, parameterName);
            }
        }
        else if (spec.Count(c => c == ':') == 1)
        {
            var colon = spec.IndexOf(':');
            host = spec.Substring(0, colon);
            port = ParsePort(spec.Substring(colon + 1), text, parameterName);
        }
        else
        {
            host = spec;
        }

        if (MxResolver.IsAddressLiteral(host) && IPAddress.TryParse(host, out var address))
        {
            return (address.ToString(), address, port);
        }

        if (!DomainNames.TryNormalize(host, out var ascii, out var reason))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidHostName, $"'{text}' is not a valid server address or host name for -{parameterName}: {reason}", text);
        }

        return (ascii, null, port);
    }

    private static int ParsePort(string text, string original, string parameterName)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < 1 || port > 65535)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"The port in '{original}' (-{parameterName}) must be 1 to 65535.", original);
        }

        return port;
    }

    private static async Task<IReadOnlyList<EdnsServerTarget>> ResolveGivenAsync(IReadOnlyList<(string Host, IPAddress? Address, int Port)> specs, EdnsReachabilityRequest request, Action<MailFlowException> emitError, CancellationToken cancellationToken)
    {
        var targets = new List<EdnsServerTarget>();
        DnsResolver? resolver = null;
        foreach (var (host, address, port) in specs)
        {
            if (address is not null)
            {
                targets.Add(new EdnsServerTarget(new IPEndPoint(address, port)));
                continue;
            }

            resolver ??= new DnsResolver(request.Resolver);
            var lookup = await resolver.ResolveAddressesAsync(host, cancellationToken);
            if (lookup.Addresses.Count == 0)
            {
                var why = lookup.Error == DnsLookupError.None ? "it has no A or AAAA records" : "the lookup failed: " + lookup.Error;
                emitError(new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, $"The server '{host}' given in -Server cannot be resolved: {why}; asked {SystemDnsServers.DescribeResolver(request.Resolver?.Servers)}.", host));
                continue;
            }

            targets.AddRange(Order(lookup.Addresses).Select(a => new EdnsServerTarget(new IPEndPoint(a, port), host)));
        }

        return Distinct(targets);
    }

    private static async Task<IReadOnlyList<EdnsServerTarget>> DiscoverAsync(string name, EdnsReachabilityRequest request, Action<MailFlowException> emitError, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var found = await AuthoritativeServerFinder.FindAsync(name, request.Resolver, cancellationToken);
        if (found.NameServers.Count == 0)
        {
            emitError(new MailFlowException(ErrorIds.DnsQueryFailed, MailFlowErrorCategory.ObjectNotFound, $"The authoritative servers of '{name}' could not be found ({found.ErrorMessage ?? found.Error.ToString()}); give them with -Server.", name));
            return Array.Empty<EdnsServerTarget>();
        }

        reporter.Verbose($"Zone {found.Zone}: name servers {string.Join(", ", found.NameServers.Select(n => n.Name))}.");
        var targets = new List<EdnsServerTarget>();
        foreach (var server in found.NameServers)
        {
            if (server.Addresses.Count == 0)
            {
                reporter.Warning($"Name server {server.Name} of {found.Zone} has no address ({server.AddressError}); it is skipped.");
                continue;
            }

            targets.AddRange(Order(server.Addresses).Select(a => new EdnsServerTarget(new IPEndPoint(a, 53), server.Name)));
        }

        return Distinct(targets);
    }

    private static IEnumerable<IPAddress> Order(IEnumerable<IPAddress> addresses) =>
        addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0);

    private static IReadOnlyList<EdnsServerTarget> Distinct(IEnumerable<EdnsServerTarget> targets) =>
        targets.GroupBy(t => t.EndPoint).Select(g => g.First()).ToList();
}
