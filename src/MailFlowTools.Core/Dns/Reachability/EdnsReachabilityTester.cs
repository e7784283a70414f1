using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>
/// Probes one server address: the UDP buffer-size matrix, TCP and (optionally) the compliance probes all run in
/// parallel, so a server takes about one probe timeout. When large UDP answers are lost, the advertised buffer is
/// bisected with parallel rounds to bracket the largest answer that gets through.
/// </summary>
public static class EdnsReachabilityTester
{
    /// <summary>An EDNS option code from the unassigned range, as the ISC compliance tester uses.</summary>
    public const ushort UnknownOptionCode = 100;

    /// <summary>An EDNS flag bit with no defined meaning (the ISC tester's +ednsflags=0x80).</summary>
    public const ushort UnknownFlag = 0x0080;

    public static async Task<EdnsReachabilityResult> TestServerAsync(EdnsServerTarget server, string name, EdnsReachabilityOptions options, IEngineReporter? reporter, CancellationToken cancellationToken)
    {
        reporter ??= NullEngineReporter.Instance;
        var stopwatch = Stopwatch.StartNew();
        var plans = new List<EdnsProbePlan>();
        foreach (var size in options.BufferSizes.Distinct())
        {
            plans.Add(new EdnsProbePlan(EdnsProbeKind.Matrix, DnsTransport.Udp, size, options.DnssecOk && size > 0));
        }

        if (options.IncludeTcp)
        {
            var tcpBuffer = options.BufferSizes.Count == 0 ? 1232 : options.BufferSizes.Max();
            plans.Add(new EdnsProbePlan(EdnsProbeKind.Matrix, DnsTransport.Tcp, tcpBuffer, options.DnssecOk && tcpBuffer > 0));
        }

        if (options.Compliance)
        {
            plans.Add(new EdnsProbePlan(EdnsProbeKind.UnknownVersion, DnsTransport.Udp, 1232, false) { Version = 1 });
            plans.Add(new EdnsProbePlan(EdnsProbeKind.UnknownOption, DnsTransport.Udp, 1232, false) { Options = new[] { new EdnsOption(UnknownOptionCode, Array.Empty<byte>()) } });
            plans.Add(new EdnsProbePlan(EdnsProbeKind.UnknownFlag, DnsTransport.Udp, 1232, false) { ExtraFlags = UnknownFlag });
            plans.Add(new EdnsProbePlan(EdnsProbeKind.TruncatedOpt, DnsTransport.Udp, 512, true));
        }

        reporter.Verbose($"{server}: {plans.Count} probes in parallel for {name} {options.Type}, timeout {options.Timeout.TotalSeconds:0.##} s.");
        var probes = (await RunAsync(server, name, options.Type, plans, options.Timeout, reporter, cancellationToken)).ToList();

        if (options.Bisect)
        {
            probes.AddRange(await BisectAsync(server, name, options, probes, reporter, cancellationToken));
        }

        return EdnsReachabilityAnalyzer.Analyze(server, name, options, probes, stopwatch.Elapsed.TotalMilliseconds);
    }

    private static async Task<IReadOnlyList<EdnsProbe>> BisectAsync(EdnsServerTarget server, string name, EdnsReachabilityOptions options, IReadOnlyList<EdnsProbe> matrix, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var added = new List<EdnsProbe>();
        var seen = matrix.Where(IsSizeProbe).ToList();
        var rtt = seen.Where(p => p.Arrived).Select(p => p.ElapsedMs).DefaultIfEmpty(0).Max();

        // Answers either arrive within a round trip or never; lost probes need not wait the full timeout.
        var timeout = TimeSpan.FromMilliseconds(Math.Min(options.Timeout.TotalMilliseconds, Math.Max(1000, rtt * 10)));
        for (var round = 0; round < options.MaxBisectionRounds; round++)
        {
            var bracket = EdnsReachabilityAnalyzer.Bracket(seen);
            if (bracket is not { } b || b.Hi - b.Lo <= options.BisectionResolution)
            {
                break;
            }

            var width = Math.Max(1, options.BisectionWidth);
            var points = Enumerable.Range(1, width)
                .Select(i => b.Lo + (int)Math.Round((double)(b.Hi - b.Lo) * i / (width + 1)))
                .Where(p => p > b.Lo && p < b.Hi)
                .Distinct()
                .ToList();
            if (points.Count == 0)
            {
                break;
            }

            reporter.Verbose($"{server}: bisection round {round + 1}: answers to {b.Lo} arrive, to {b.Hi} are lost; trying {points.Count} buffer sizes in parallel.");
            var plans = points.Select(p => new EdnsProbePlan(EdnsProbeKind.Bisection, DnsTransport.Udp, p, options.DnssecOk)).ToList();
            var results = await RunAsync(server, name, options.Type, plans, timeout, reporter, cancellationToken);
            added.AddRange(results);
            seen.AddRange(results);
        }

        return added;
    }

    internal static bool IsSizeProbe(EdnsProbe p) => p.Transport == DnsTransport.Udp && p.Kind is EdnsProbeKind.Matrix or EdnsProbeKind.Bisection;

    private static async Task<EdnsProbe[]> RunAsync(EdnsServerTarget server, string name, DnsRecordType type, IReadOnlyList<EdnsProbePlan> plans, TimeSpan timeout, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var tasks = plans.Select(plan => ProbeAsync(server, name, type, plan, timeout, reporter, cancellationToken)).ToArray();
        return await Task.WhenAll(tasks);
    }

    private static async Task<EdnsProbe> ProbeAsync(EdnsServerTarget server, string name, DnsRecordType type, EdnsProbePlan plan, TimeSpan timeout, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var query = DnsQueryFactory.Create(name, type, new DnsQueryOptions
        {
            EdnsBufferSize = plan.BufferSize,
            DnssecOk = plan.DnssecOk,
            EdnsVersion = plan.Version,
            ExtraEdnsFlags = plan.ExtraFlags,
            EdnsOptions = plan.Options,
        });
        var exchange = plan.Transport == DnsTransport.Tcp
            ? await DnsTcpExchange.ExchangeAsync(server.EndPoint, query, timeout, cancellationToken)
            : await DnsUdpExchange.ExchangeAsync(server.EndPoint, query, timeout, cancellationToken);
        var probe = ToProbe(plan, exchange);
        reporter.Verbose(FormattableString.Invariant($"{server}: {plan.Transport} {(plan.BufferSize > 0 ? "EDNS " + plan.BufferSize.ToString(CultureInfo.InvariantCulture) : "no EDNS")}{(plan.DnssecOk ? " DO" : string.Empty)} [{plan.Kind}] -> {probe.Outcome} {probe.ResponseSize} B in {probe.ElapsedMs:0.0} ms"));
        return probe;
    }

    private static EdnsProbe ToProbe(EdnsProbePlan plan, DnsExchangeResult exchange)
    {
        var response = exchange.Response;
        var outcome = exchange.Status switch
        {
            DnsExchangeStatus.Timeout => EdnsProbeOutcome.Timeout,
            DnsExchangeStatus.NetworkError => EdnsProbeOutcome.NetworkError,
            DnsExchangeStatus.Malformed => EdnsProbeOutcome.Malformed,
            _ => response!.ResponseCode switch
            {
                DnsResponseCode.FormErr => EdnsProbeOutcome.FormErr,
                DnsResponseCode.ServFail => EdnsProbeOutcome.ServFail,
                DnsResponseCode.Refused => EdnsProbeOutcome.Refused,
                DnsResponseCode.NotImp => EdnsProbeOutcome.NotImplemented,
                DnsResponseCode.BadVers => EdnsProbeOutcome.BadVers,
                _ => response.IsTruncated ? EdnsProbeOutcome.Truncated : EdnsProbeOutcome.Answer,
            },
        };

        return new EdnsProbe
        {
            Kind = plan.Kind,
            Transport = plan.Transport,
            Edns = plan.BufferSize > 0,
            BufferSize = plan.BufferSize,
            DnssecOk = plan.DnssecOk,
            Outcome = outcome,
            ResponseCode = response?.ResponseCode.ToString(),
            ResponseSize = response is null ? 0 : exchange.ResponseSize,
            ElapsedMs = Math.Round(exchange.ElapsedMs, 2),
            ResponseHasOpt = response?.Edns is not null,
            ResponderBufferSize = response?.Edns?.UdpPayloadSize,
            AnswerCount = response?.Answers.Count ?? 0,
            IgnoredReplies = exchange.MismatchedCount + exchange.MalformedCount,
            Detail = response is null ? exchange.Error : ComplianceDetail(plan, response),
            Nsid = response?.Edns?.Nsid,
            EchoedUnknownOption = response?.Edns?.Options.Any(o => o.Code == UnknownOptionCode) ?? false,
            EchoedUnknownFlag = response?.Edns is { } e && (e.Flags & UnknownFlag) != 0,
            ResponseEdnsVersion = response?.Edns?.Version,
        };
    }

    private static string? ComplianceDetail(EdnsProbePlan plan, DnsMessage response) => plan.Kind switch
    {
        EdnsProbeKind.UnknownVersion => response.ResponseCode == DnsResponseCode.BadVers
            ? (response.Edns?.Version == 0 ? "BADVERS with version 0: compliant" : "BADVERS but the OPT version is not 0")
            : "answered " + response.ResponseCode + " instead of BADVERS",
        EdnsProbeKind.UnknownOption => response.Edns is null ? "no OPT in the reply"
            : response.Edns.Options.Any(o => o.Code == UnknownOptionCode) ? "the unknown option was echoed" : "ignored: compliant",
        EdnsProbeKind.UnknownFlag => response.Edns is null ? "no OPT in the reply"
            : (response.Edns.Flags & UnknownFlag) != 0 ? "the unknown flag was echoed" : "ignored: compliant",
        EdnsProbeKind.TruncatedOpt => !response.IsTruncated ? "the answer fit in 512 bytes; not conclusive"
            : response.Edns is null ? "truncated without OPT" : "truncated with OPT: compliant",
        _ => null,
    };
}
