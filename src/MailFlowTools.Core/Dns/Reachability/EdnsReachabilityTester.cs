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
/// parallel. When large UDP answers are lost, the advertised buffer is bisected with parallel rounds to bracket the
/// largest answer that gets through; the rounds run while the matrix's lost probes wait, so a server takes about
/// one probe timeout in all.
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
        var matrix = plans.Select(plan => ProbeAsync(server, name, options.Type, plan, options.Timeout, null, reporter, cancellationToken)).ToArray();

        // The bisection starts while the matrix's lost probes still wait out their timeout: it needs only the
        // answers that arrive, and they arrive within round trips. The whole test then takes about one timeout.
        var bisection = options.Bisect
            ? await BisectAsync(server, name, options, plans, matrix, reporter, cancellationToken)
            : Array.Empty<EdnsProbe>();
        var probes = (await Task.WhenAll(matrix)).ToList();
        probes.AddRange(bisection);
        return EdnsReachabilityAnalyzer.Analyze(server, name, options, probes, stopwatch.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Bisects the advertised buffer between the largest answer that arrived and the smallest that did not. A round
    /// does not wait for its lost probes: once answers stop arriving for a few round trips (<see cref="QuietPeriod"/>)
    /// every probe still out is taken as lost, and the next round starts. If one of them arrives after all, the search
    /// goes on from the real results round by round, so the bracket, and the verdict, are those of a search that had
    /// waited every round out.
    /// </summary>
    private static async Task<IReadOnlyList<EdnsProbe>> BisectAsync(EdnsServerTarget server, string name, EdnsReachabilityOptions options, IReadOnlyList<EdnsProbePlan> matrixPlans, IReadOnlyList<Task<EdnsProbe>> matrix, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var sent = matrixPlans.Zip(matrix, (plan, task) => (Plan: plan, Task: task)).ToList();
        var rounds = new List<Task<EdnsProbe>[]>();
        var pacer = new ProbePacer(options.BisectionSpacing);
        TimeSpan? timeout = null;
        while (rounds.Count < options.MaxBisectionRounds)
        {
            await WaitForQuietAsync(sent.Select(x => x.Task).ToList(), cancellationToken);
            var view = sent.Select(x => x.Task.Status == TaskStatus.RanToCompletion ? x.Task.Result : Pending(x.Plan)).Where(IsSizeProbe).ToList();

            // Answers either arrive within a round trip or never; lost probes need not wait the full timeout.
            timeout ??= BisectionTimeout(options, view);
            var points = NextPoints(view, options);
            if (points.Count == 0)
            {
                break;
            }

            reporter.Verbose($"{server}: bisection round {rounds.Count + 1}: trying {points.Count} buffer sizes between {points[0] - 1} and {points[points.Count - 1] + 1}, {options.BisectionSpacing.TotalMilliseconds:0} ms apart.");
            var plans = points.Select(p => new EdnsProbePlan(EdnsProbeKind.Bisection, DnsTransport.Udp, p, options.DnssecOk)).ToList();
            var round = plans.Select(plan => ProbeAsync(server, name, options.Type, plan, timeout.Value, pacer, reporter, cancellationToken)).ToArray();
            rounds.Add(round);
            sent.AddRange(plans.Zip(round, (plan, task) => (Plan: plan, Task: task)));
        }

        var added = new List<EdnsProbe>();
        foreach (var round in rounds)
        {
            added.AddRange(await Task.WhenAll(round));
        }

        // A probe taken as lost arrived after all: finish the search from what really happened.
        var seen = (await Task.WhenAll(matrix)).Where(IsSizeProbe).Concat(added).ToList();
        for (var round = rounds.Count; round < options.MaxBisectionRounds; round++)
        {
            var points = NextPoints(seen, options);
            if (points.Count == 0)
            {
                break;
            }

            reporter.Verbose($"{server}: bisection round {round + 1} (an answer arrived late): trying {points.Count} buffer sizes.");
            var plans = points.Select(p => new EdnsProbePlan(EdnsProbeKind.Bisection, DnsTransport.Udp, p, options.DnssecOk)).ToList();
            var results = await Task.WhenAll(plans.Select(plan => ProbeAsync(server, name, options.Type, plan, timeout ?? options.Timeout, pacer, reporter, cancellationToken)));
            added.AddRange(results);
            seen.AddRange(results);
        }

        return added;
    }

    /// <summary>The buffer sizes of the next round: evenly inside the bracket, or none when it is narrow enough.</summary>
    private static List<int> NextPoints(IReadOnlyList<EdnsProbe> sizeProbes, EdnsReachabilityOptions options)
    {
        if (EdnsReachabilityAnalyzer.Bracket(sizeProbes) is not { } b || b.Hi - b.Lo <= options.BisectionResolution)
        {
            return new List<int>();
        }

        var width = Math.Max(1, options.BisectionWidth);
        return Enumerable.Range(1, width)
            .Select(i => b.Lo + (int)Math.Round((double)(b.Hi - b.Lo) * i / (width + 1)))
            .Where(p => p > b.Lo && p < b.Hi)
            .Distinct()
            .ToList();
    }

    private static TimeSpan BisectionTimeout(EdnsReachabilityOptions options, IReadOnlyList<EdnsProbe> sizeProbes)
    {
        var rtt = sizeProbes.Where(p => p.Arrived).Select(p => p.ElapsedMs).DefaultIfEmpty(0).Max();
        return TimeSpan.FromMilliseconds(Math.Min(options.Timeout.TotalMilliseconds, Math.Max(1000, rtt * 10)));
    }

    /// <summary>A probe still out, as the bracket sees it until it ends: lost.</summary>
    private static EdnsProbe Pending(EdnsProbePlan plan) => new()
    {
        Kind = plan.Kind,
        Transport = plan.Transport,
        Edns = plan.BufferSize > 0,
        BufferSize = plan.BufferSize,
        DnssecOk = plan.DnssecOk,
        Outcome = EdnsProbeOutcome.Timeout,
    };

    /// <summary>
    /// Returns when every probe has ended, or when none has ended for <see cref="QuietPeriod"/>: four times the
    /// slowest answer so far, at least 250 ms (on a loaded machine an answer that arrived can wait that long to be
    /// read; a probe taken as lost too early costs a needless round) and at most 500 ms.
    /// </summary>
    private static async Task WaitForQuietAsync(IReadOnlyList<Task<EdnsProbe>> probes, CancellationToken cancellationToken)
    {
        var pending = probes.Where(t => !t.IsCompleted).ToList();
        while (pending.Count > 0)
        {
            var quiet = QuietPeriod(probes);
            var next = Task.WhenAny(pending);
            if (await Task.WhenAny(next, Task.Delay(quiet, cancellationToken)) != next)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return;
            }

            pending.RemoveAll(t => t.IsCompleted);
        }
    }

    private static TimeSpan QuietPeriod(IReadOnlyList<Task<EdnsProbe>> probes)
    {
        var slowest = probes.Where(t => t.Status == TaskStatus.RanToCompletion && t.Result.Arrived).Select(t => t.Result.ElapsedMs).DefaultIfEmpty(0).Max();
        return TimeSpan.FromMilliseconds(Math.Min(500, Math.Max(250, slowest * 4)));
    }

    internal static bool IsSizeProbe(EdnsProbe p) => p.Transport == DnsTransport.Udp && p.Kind is EdnsProbeKind.Matrix or EdnsProbeKind.Bisection;

    private static async Task<EdnsProbe> ProbeAsync(EdnsServerTarget server, string name, DnsRecordType type, EdnsProbePlan plan, TimeSpan timeout, ProbePacer? pacer, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        if (pacer is not null)
        {
            await pacer.WaitTurnAsync(cancellationToken);
        }

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
