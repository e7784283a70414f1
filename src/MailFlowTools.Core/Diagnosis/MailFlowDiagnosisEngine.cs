using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// Debug-MailFlow: from "mail to X fails" to the probable cause in one run.
/// 1. DNS: EDNS reachability of the MX answer through the resolvers in use and at the zone's authoritative
///    servers, in parallel with 2. the MX walk (RFC 5321 §5.1).
/// 3. SMTP stage timing on the selected hop with ~100 kB of message data (dropped before the final ".", so
///    nothing is delivered), and connect/greeting timing on every hop that failed before it.
/// 4. Path MTU and the envelope size sweep on the selected hop, beside step 3.
/// Then <see cref="CauseAnalyzer"/> names the cause. -Quick stops after steps 1 and 2.
/// </summary>
public sealed class MailFlowDiagnosisEngine
{
    public const int ProgressActivityId = 8;

    /// <summary>Failing hops whose connect and greeting are timed again, at most.</summary>
    public const int MaxFailingHopsRetimed = 4;

    private readonly IDiagnosisProbes _probes;
    private readonly IEngineReporter _reporter;

    public MailFlowDiagnosisEngine(IDiagnosisProbes probes, IEngineReporter? reporter = null)
    {
        _probes = probes ?? throw new ArgumentNullException(nameof(probes));
        _reporter = reporter ?? NullEngineReporter.Instance;
    }

    /// <summary>The engine over the real DNS, MX-path, SMTP and path-MTU engines.</summary>
    public static MailFlowDiagnosisEngine CreateLive(IEngineReporter? reporter) => new(new LiveDiagnosisProbes(reporter), reporter);

    /// <summary>
    /// Diagnoses one domain. Throws <see cref="MailFlowException"/> when the MX walk cannot run at all (bad
    /// -DnsServer, no resolver configured); every other step's failure is a note in the result.
    /// </summary>
    public async Task<MailFlowDiagnosis> DiagnoseAsync(DiagnosisSeed seed, MailFlowDiagnosisOptions options, CancellationToken cancellationToken)
    {
        if (seed is null)
        {
            throw new ArgumentNullException(nameof(seed));
        }

        options.Validate();
        var clock = Stopwatch.StartNew();
        var domain = seed.DomainName;
        var log = new DiagnosisStepLog();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.EffectiveBudget);
        var token = budget.Token;
        var activity = "Debug-MailFlow " + domain;

        // Status: pure text, already interpreted by the seed.
        log.Time(DiagnosisStage.Status, 0);
        if (seed.StatusProblem is not null)
        {
            log.Note(seed.StatusProblem);
        }

        // Steps 1 and 2 side by side: the EDNS probes do not depend on the walk.
        Progress(activity, "DNS, EDNS and the MX walk", 5);
        var resolvers = await ResolverListAsync(options, log, token);
        var dnsTask = StepAsync(DiagnosisStage.Dns, "The EDNS probes", ct => ProbeDnsAsync(domain, resolvers, options, log, ct), Array.Empty<EdnsReachabilityResult>(), log, options, cancellationToken, token);
        var mxOptions = new MxPathOptions
        {
            Port = options.Port,
            ConnectTimeout = options.ConnectTimeout,
            BannerTimeout = options.Timeout,
            TlsPolicy = options.TlsPolicy,
        };
        var mxTask = StepAsync<MxPathResult?>(DiagnosisStage.MxPath, "The MX walk", async ct => await _probes.TestMxPathAsync(domain, options.DnsServers, mxOptions, ct), null, log, options, cancellationToken, token, rethrow: true);

        MxPathResult? mx;
        try
        {
            mx = await mxTask;
        }
        catch
        {
            // Nothing to diagnose without the walk: stop the DNS probes before the budget's source goes away.
            budget.Cancel();
            await Quietly(dnsTask);
            throw;
        }

        var selected = mx?.SelectedHop is { Outcome: MxHopOutcome.Ok } hop ? hop : null;
        var stagesTask = Task.FromResult<IReadOnlyList<SmtpStageResult>>(Array.Empty<SmtpStageResult>());
        var mtuTask = Task.FromResult<IReadOnlyList<MtuProbeResult>>(Array.Empty<MtuProbeResult>());
        if (!options.Quick && mx is not null)
        {
            var failing = FailingHops(mx, selected);
            if (selected is not null || failing.Count > 0)
            {
                Progress(activity, selected is null ? "timing the failing hops" : "SMTP stages, path MTU and size sweep on " + Describe(selected), 40);
                stagesTask = StepAsync(DiagnosisStage.SmtpStages, "The SMTP stage timing", ct => TimeStagesAsync(domain, selected, failing, options, log, ct), Array.Empty<SmtpStageResult>(), log, options, cancellationToken, token);
            }

            if (selected is not null)
            {
                mtuTask = StepAsync(DiagnosisStage.PathMtu, "The path MTU probes", ct => _probes.ProbeMtuAsync(MtuOptions(selected, options), ct), Array.Empty<MtuProbeResult>(), log, options, cancellationToken, token);
            }
        }
        else if (options.Quick)
        {
            log.Note("Quick run: the SMTP session with message data, the path MTU and the size sweep were not tested.");
        }

        var edns = await dnsTask;
        var stages = await stagesTask;
        var mtu = await mtuTask;
        cancellationToken.ThrowIfCancellationRequested();
        Progress(activity, "naming the cause", 95);

        var findings = Collect(seed, domain, resolvers, edns, mx, stages, mtu);
        var verdict = CauseAnalyzer.Analyze(findings.Where(f => f.Stage != DiagnosisStage.Status).ToList());
        var notes = log.Notes;
        var diagnosis = new MailFlowDiagnosis
        {
            DomainName = domain,
            Cause = verdict.Cause,
            Location = verdict.Location,
            Summary = Summarize(verdict, seed, options, notes),
            Recommendation = verdict.Cause == FindingCodes.None
                ? (options.Quick
                    ? "Run Debug-MailFlow without -Quick to test the SMTP session with message data and the path MTU."
                    : "Nothing to fix on the path from here; if mail still fails, run the same command on the sending server and compare.")
                : verdict.Recommendation,
            EvidenceChain = Chain(verdict, seed, resolvers, edns, mx, stages, notes),
            Findings = findings.ToArray(),
            Quick = options.Quick,
            SelectedHop = selected is null ? null : Describe(selected),
            DnsResolvers = resolvers.ToArray(),
            ElapsedMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1),
            StageTimesMs = log.Times(),
            Notes = notes,
            Status = seed.Status,
            Edns = edns.ToArray(),
            MxPath = mx,
            Stages = stages.ToArray(),
            Mtu = mtu.ToArray(),
        };
        _reporter.Progress(new EngineProgress(ProgressActivityId, activity, diagnosis.Cause, 100, completed: true));
        return diagnosis;
    }

    /// <summary>The hops that failed before the selected one (or all that failed), one per address, at most four.</summary>
    internal static IReadOnlyList<MxPathHop> FailingHops(MxPathResult mx, MxPathHop? selected) =>
        mx.Hops
            .Where(h => h.Outcome is not (MxHopOutcome.Ok or MxHopOutcome.NotTried or MxHopOutcome.RecipientRejected) && (selected is null || h.Order < selected.Order))
            .GroupBy(h => h.Address, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Take(MaxFailingHopsRetimed)
            .ToList();

    internal static MtuProbeOptions MtuOptions(MxPathHop hop, MailFlowDiagnosisOptions options) => new()
    {
        ComputerName = hop.Address,
        Method = MtuProbeMethod.Auto,
        Port = hop.Port > 0 ? hop.Port : options.Port,

        // Giving the sizes runs the envelope sweep after the MTU search: a box that loses 513- or 1025-byte
        // segments never shows in a normal session, whose message data goes out in full-size segments.
        PayloadSizes = MtuProbeOptions.DefaultSweepSizes,
        Timeout = options.MtuTimeout,
    };

    internal static SmtpStageTimingOptions StageOptions(string domain, MxPathHop hop, MailFlowDiagnosisOptions options, bool fullSession)
    {
        var t = options.Timeout;
        return new SmtpStageTimingOptions
        {
            ComputerName = hop.Exchange,
            Address = hop.Address,
            Port = hop.Port > 0 ? hop.Port : options.Port,
            To = new[] { "postmaster@" + domain },
            ProbeRecipient = true,
            MessageSize = MailFlowDiagnosisOptions.ProbeMessageSize,
            StopAfter = fullSession ? SmtpStopAfter.Body : hop.Outcome is MxHopOutcome.EhloFailed or MxHopOutcome.TlsFailed ? SmtpStopAfter.StartTls : SmtpStopAfter.Banner,
            Deliver = false,
            Timeouts = SmtpTimeouts.Of(options.ConnectTimeout, t, t),

            // The MX walk already tried other ports when every hop timed out.
            LocalBlockCheckPorts = Array.Empty<int>(),
        };
    }

    private static string Describe(MxPathHop hop) => FormattableString.Invariant($"{hop.Exchange} [{hop.Address}]:{hop.Port}");

    private static List<StagedFinding> Collect(
        DiagnosisSeed seed,
        string domain,
        IReadOnlyList<string> resolvers,
        IReadOnlyList<EdnsReachabilityResult> edns,
        MxPathResult? mx,
        IReadOnlyList<SmtpStageResult> stages,
        IReadOnlyList<MtuProbeResult> mtu)
    {
        var findings = new List<StagedFinding>();
        if (seed.Status is { } status)
        {
            findings.AddRange(status.Findings.Select(f => new StagedFinding(DiagnosisStage.Status, seed.StatusSource ?? "status", f)));
        }

        foreach (var r in edns)
        {
            var subject = EdnsSubject(r, resolvers);
            findings.AddRange(r.Findings.Select(f => new StagedFinding(DiagnosisStage.Dns, subject, f)));
        }

        if (mx is not null)
        {
            findings.AddRange(mx.Findings.Select(f => new StagedFinding(DiagnosisStage.MxPath, domain, f)));
        }

        foreach (var s in stages)
        {
            var subject = FormattableString.Invariant($"{s.ComputerName} [{s.Address}]:{s.Port} {s.Stage}");
            findings.AddRange(s.Findings.Select(f => new StagedFinding(DiagnosisStage.SmtpStages, subject, f)));
        }

        foreach (var m in mtu)
        {
            var exchange = mx?.Hops.FirstOrDefault(h => h.Address == m.Address)?.Exchange;
            var subject = exchange is null ? m.Address : exchange + " " + m.Address;
            findings.AddRange(m.Findings.Select(f => new StagedFinding(DiagnosisStage.PathMtu, subject, f)));
        }

        return findings;
    }

    /// <summary>"resolver 198.51.100.56" or "ns2.lab.test 198.51.100.54".</summary>
    internal static string EdnsSubject(EdnsReachabilityResult r, IReadOnlyList<string> resolvers) =>
        resolvers.Contains(r.Server, StringComparer.OrdinalIgnoreCase) || (r.ServerName is not null && resolvers.Contains(r.ServerName, StringComparer.OrdinalIgnoreCase))
            ? "resolver " + r.Server
            : (r.ServerName is null ? r.Server : r.ServerName + " " + r.Server);

    private static string Summarize(CauseVerdict verdict, DiagnosisSeed seed, MailFlowDiagnosisOptions options, IReadOnlyList<string> notes)
    {
        var summary = verdict.Summary;
        if (verdict.Cause != FindingCodes.None)
        {
            return summary;
        }

        if (options.Quick)
        {
            summary = "No problem found in DNS and the MX walk (quick run: the SMTP session with message data and the path MTU were not tested).";
        }

        if (seed.Status is { } status)
        {
            var code = status.EnhancedStatus ?? status.ReplyCode?.ToString(CultureInfo.InvariantCulture) ?? "status";
            summary += " The " + (seed.StatusSource ?? "status") + "'s " + code + " was not reproduced from here: the failure may be intermittent, or specific to the sending server's network (run Debug-MailFlow there).";
        }

        if (notes.Any(n => !n.StartsWith("Quick run", StringComparison.Ordinal)))
        {
            summary += " Some steps did not complete (see Notes).";
        }

        return summary;
    }

    private static string[] Chain(
        CauseVerdict verdict,
        DiagnosisSeed seed,
        IReadOnlyList<string> resolvers,
        IReadOnlyList<EdnsReachabilityResult> edns,
        MxPathResult? mx,
        IReadOnlyList<SmtpStageResult> stages,
        IReadOnlyList<string> notes)
    {
        var chain = new List<string>();
        if (seed.Status is { } s)
        {
            var code = string.Join(" ", new[] { s.ReplyCode?.ToString(CultureInfo.InvariantCulture), s.EnhancedStatus }.Where(x => !string.IsNullOrEmpty(x)));
            chain.Add(F("Status: {0}: {1} {2}: {3}", seed.StatusSource ?? "status", code, s.Detail ?? s.ReplyMeaning ?? string.Empty, s.NetworkInterpretation).Replace("  ", " "));
        }

        IEnumerable<string> Lines(DiagnosisStage stage) => verdict.EvidenceChain.Where(l => l.StartsWith(stage + ":", StringComparison.Ordinal));

        if (edns.Count > 0)
        {
            var arrived = edns.Where(r => r.LargestUdpAnswer > 0).ToList();
            var full = edns.Select(r => r.FullAnswerSize ?? 0).DefaultIfEmpty(0).Max();
            chain.Add(F(
                "Dns: {0} server address(es) probed ({1} resolver, {2} authoritative); UDP answers of up to {3} bytes arrived; the full MX answer is {4}.",
                edns.Count,
                edns.Count(r => EdnsSubject(r, resolvers).StartsWith("resolver ", StringComparison.Ordinal)),
                edns.Count(r => !EdnsSubject(r, resolvers).StartsWith("resolver ", StringComparison.Ordinal)),
                arrived.Select(r => r.LargestUdpAnswer).DefaultIfEmpty(0).Max(),
                full > 0 ? F("{0} bytes", full) : "unknown (no TCP answer)"));
        }

        chain.AddRange(Lines(DiagnosisStage.Dns));
        if (mx is not null)
        {
            chain.Add("MxPath: " + mx.Summary);
        }

        chain.AddRange(Lines(DiagnosisStage.MxPath));
        foreach (var body in stages.Where(x => x.Stage == SmtpStage.Body))
        {
            var acked = body.BytesAcked is { } a ? F("{0} of {1} bytes of message data acknowledged", a, body.BytesSent) : F("{0} bytes of message data sent", body.BytesSent);
            chain.Add(F("SmtpStages: {0} [{1}]: {2} ({3} after {4:0} ms; the connection was dropped before the final \".\", nothing was delivered).", body.ComputerName, body.Address, acked, body.Outcome, body.ElapsedMs));
        }

        chain.AddRange(Lines(DiagnosisStage.SmtpStages));
        chain.AddRange(Lines(DiagnosisStage.PathMtu));
        chain.AddRange(notes.Select(n => "Note: " + n));
        return chain.ToArray();
    }

    private async Task<IReadOnlyList<string>> ResolverListAsync(MailFlowDiagnosisOptions options, DiagnosisStepLog log, CancellationToken cancellationToken)
    {
        if (options.DnsServers.Count > 0)
        {
            return options.DnsServers.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList();
        }

        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        var system = SystemDnsServers.Get().Select(SystemDnsServers.Describe).ToList();
        if (system.Count == 0)
        {
            log.Note("No system resolver is configured, so the resolver in use could not be probed.");
        }

        return system;
    }

    private async Task<IReadOnlyList<EdnsReachabilityResult>> ProbeDnsAsync(string domain, IReadOnlyList<string> resolvers, MailFlowDiagnosisOptions options, DiagnosisStepLog log, CancellationToken cancellationToken)
    {
        var resolverOptions = await ResolverOptionsAsync(options, cancellationToken);
        void OnError(MailFlowException ex) => log.Note("EDNS: " + ex.Message);

        var viaResolver = resolvers.Count == 0
            ? Task.FromResult<IReadOnlyList<EdnsReachabilityResult>>(Array.Empty<EdnsReachabilityResult>())
            : _probes.ProbeEdnsAsync(new EdnsReachabilityRequest { Name = domain, Type = DnsRecordType.MX, Servers = resolvers, Timeout = options.DnsTimeout, Resolver = resolverOptions }, OnError, cancellationToken);
        var authoritative = _probes.ProbeEdnsAsync(new EdnsReachabilityRequest { Name = domain, Type = DnsRecordType.MX, Timeout = options.DnsTimeout, Resolver = resolverOptions }, OnError, cancellationToken);
        var results = new List<EdnsReachabilityResult>();
        results.AddRange(await viaResolver);
        results.AddRange(await authoritative);
        return results;
    }

    /// <summary>The resolver for NS discovery: -DnsServer's addresses (names looked up with the system's resolvers), or null for the system's.</summary>
    private static async Task<DnsResolverOptions?> ResolverOptionsAsync(MailFlowDiagnosisOptions options, CancellationToken cancellationToken)
    {
        var endPoints = new List<IPEndPoint>();
        foreach (var text in options.DnsServers.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            var (host, address, port) = EdnsReachabilityRunner.ParseServer(text, "DnsServer");
            if (address is not null)
            {
                endPoints.Add(new IPEndPoint(address, port));
                continue;
            }

            var lookup = await new DnsResolver().ResolveAddressesAsync(host, cancellationToken);
            endPoints.AddRange(lookup.Addresses.Select(a => new IPEndPoint(a, port)));
        }

        return endPoints.Count == 0 ? null : new DnsResolverOptions { Servers = endPoints, Timeout = options.DnsTimeout };
    }

    private async Task<IReadOnlyList<SmtpStageResult>> TimeStagesAsync(string domain, MxPathHop? selected, IReadOnlyList<MxPathHop> failing, MailFlowDiagnosisOptions options, DiagnosisStepLog log, CancellationToken cancellationToken)
    {
        var sessions = new List<Task<IReadOnlyList<SmtpStageResult>>>();
        if (selected is not null)
        {
            sessions.Add(SessionAsync(StageOptions(domain, selected, options, fullSession: true)));
        }

        sessions.AddRange(failing.Select(h => SessionAsync(StageOptions(domain, h, options, fullSession: false))));
        var results = await Task.WhenAll(sessions);
        return results.SelectMany(r => r).ToList();

        async Task<IReadOnlyList<SmtpStageResult>> SessionAsync(SmtpStageTimingOptions o)
        {
            try
            {
                return await _probes.RunStagesAsync(o, cancellationToken);
            }
            catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
            {
                log.Note(F("SMTP stage timing on {0} [{1}] could not run: {2}", o.ComputerName, o.Address, ex.Message));
                return Array.Empty<SmtpStageResult>();
            }
        }
    }

    /// <summary>
    /// Runs one step, timing it. When the run's time budget expires the step is cancelled and noted; Ctrl+C
    /// propagates. A step that cannot run is noted, except the MX walk (<paramref name="rethrow"/>), without which
    /// there is nothing to diagnose.
    /// </summary>
    private static async Task<T> StepAsync<T>(
        DiagnosisStage stage,
        string what,
        Func<CancellationToken, Task<T>> work,
        T fallback,
        DiagnosisStepLog log,
        MailFlowDiagnosisOptions options,
        CancellationToken userToken,
        CancellationToken budgetToken,
        bool rethrow = false)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            // Off the caller's thread so the steps really run side by side.
            return await Task.Run(() => work(budgetToken), budgetToken);
        }
        catch (OperationCanceledException) when (!userToken.IsCancellationRequested && budgetToken.IsCancellationRequested)
        {
            log.Note(F("{0} did not finish within the run's limit of {1:0} s ({2} x -TimeoutSeconds).", what, options.EffectiveBudget.TotalSeconds, MailFlowDiagnosisOptions.BudgetTimeouts));
            return fallback;
        }
        catch (MailFlowException ex) when (!rethrow && !ex.IsInvalidInvocation)
        {
            log.Note(what + " could not run: " + ex.Message);
            return fallback;
        }
        finally
        {
            log.Time(stage, clock.Elapsed.TotalMilliseconds);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // Only waited for so no probe outlives the run.
        }
    }

    private void Progress(string activity, string status, int percent) =>
        _reporter.Progress(new EngineProgress(ProgressActivityId, activity, status, percent));

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
