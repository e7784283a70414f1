using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Test-MxPath: for each domain, resolve the MX set as RFC 5321 §5.1 says, walk its hosts and addresses the way
/// a compliant sender does (connect, 220, EHLO, STARTTLS when offered, optionally MAIL and RCPT; never DATA),
/// and report every hop, the hop mail would go to, and findings.
/// </summary>
public sealed class MxPathEngine
{
    /// <summary>Progress activity id for the batch bar.</summary>
    public const int ProgressActivityId = 5321;

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxControlTimeout = TimeSpan.FromSeconds(5);

    private readonly IMxPathResolver _resolver;
    private readonly IHopProber _prober;
    private readonly IEngineReporter _reporter;
    private readonly MxHopWalker _walker;
    private readonly ITlsPolicySource? _tlsPolicy;

    /// <param name="tlsPolicy">MTA-STS and TLSA discovery; null leaves the TLS policies out of the result.</param>
    public MxPathEngine(IMxPathResolver resolver, IHopProber prober, IEngineReporter? reporter = null, ITlsPolicySource? tlsPolicy = null)
    {
        _tlsPolicy = tlsPolicy;
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _prober = prober ?? throw new ArgumentNullException(nameof(prober));
        _reporter = reporter ?? NullEngineReporter.Instance;
        _walker = new MxHopWalker(_prober, _reporter);
    }

    /// <summary>
    /// The engine over the real DNS resolver (<paramref name="dnsServers"/>, or the system's) and SMTP prober.
    /// Throws an invalid-invocation error for a bad server, and NoDnsServer when none is configured.
    /// </summary>
    public static async Task<MxPathEngine> CreateAsync(IReadOnlyList<string>? dnsServers, IEngineReporter reporter, CancellationToken cancellationToken)
    {
        var resolver = await DnsMxPathResolver.CreateAsync(dnsServers, cancellationToken);
        return new MxPathEngine(resolver, new SmtpHopProber(reporter), reporter, new LiveTlsPolicySource(resolver.Servers, resolver.SharedAnswers));
    }

    /// <summary>Throws an invalid-invocation <see cref="MailFlowException"/> for out-of-range options.</summary>
    public static void Validate(MxPathOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.Port is < MxPathOptions.MinPort or > MxPathOptions.MaxPort)
        {
            throw OutOfRange("Port", $"-Port must be {MxPathOptions.MinPort} to {MxPathOptions.MaxPort}.", options.Port);
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > MaxTimeout)
        {
            throw OutOfRange("ConnectTimeoutSeconds", $"-ConnectTimeoutSeconds must be more than 0 and at most {MxPathOptions.MaxTimeoutSeconds}.", options.ConnectTimeout.TotalSeconds);
        }

        if (options.BannerTimeout <= TimeSpan.Zero || options.BannerTimeout > MaxTimeout)
        {
            throw OutOfRange("BannerTimeoutSeconds", $"-BannerTimeoutSeconds must be more than 0 and at most {MxPathOptions.MaxTimeoutSeconds}.", options.BannerTimeout.TotalSeconds);
        }

        if (options.ThrottleLimit is < MxPathOptions.MinThrottleLimit or > MxPathOptions.MaxThrottleLimit)
        {
            throw OutOfRange("ThrottleLimit", $"-ThrottleLimit must be {MxPathOptions.MinThrottleLimit} to {MxPathOptions.MaxThrottleLimit}.", options.ThrottleLimit);
        }

        MxPathInput.NormalizeRecipient(options.Recipient);
    }

    /// <summary>Tests one domain (already normalised with <see cref="MxPathInput.TryNormalize"/>).</summary>
    public Task<MxPathResult> TestAsync(string domainName, MxPathOptions options, CancellationToken cancellationToken) =>
        TestAsync(domainName, options, MxProbeBudget.For(options), cancellationToken);

    /// <summary>
    /// A run over domains that arrive one at a time (a stream too long to hold): they share one probe budget as
    /// in <see cref="RunAsync"/>. Throws an invalid-invocation <see cref="MailFlowException"/> for bad options.
    /// </summary>
    public MxPathBatch StartBatch(MxPathOptions options)
    {
        Validate(options);
        return new MxPathBatch(this, options, _reporter);
    }

    internal async Task<MxPathResult> TestAsync(string domainName, MxPathOptions options, MxProbeBudget budget, CancellationToken cancellationToken)
    {
        Validate(options);
        var clock = Stopwatch.StartNew();
        var domainOptions = options with { Recipient = MxPathInput.RecipientFor(MxPathInput.NormalizeRecipient(options.Recipient), domainName) };
        var resolution = await _resolver.ResolveAsync(domainName, options.Seed, cancellationToken);
        foreach (var note in resolution.Notes)
        {
            _reporter.Warning(domainName + ": " + note);
        }

        _reporter.Verbose(F("{0}: {1}, {2} MX target(s), DNS {3:0.#} ms", domainName, resolution.Source, resolution.Targets.Length, resolution.ElapsedMs));
        var plans = MxHopPlanner.Plan(resolution, options.AddressFamily);
        // The policies are discovered while the walk runs, so a domain without one costs no extra time.
        var discoveryTask = DiscoverTlsPolicyAsync(domainName, resolution, options, cancellationToken);
        var results = await _walker.WalkAsync(plans, domainOptions, domainName, budget, cancellationToken);
        var discovery = await discoveryTask;
        if (discovery is { StsApplies: true } or { DaneApplies: true })
        {
            // A policy sender skips hops a plain sender would use, so the hops the walk left are probed too.
            var untried = Enumerable.Range(0, Math.Min(plans.Count, Math.Max(1, options.MaxHops))).Where(i => results[i] is null).ToList();
            if (untried.Count > 0)
            {
                var more = await _walker.WalkAsync(untried.Select(i => plans[i]).ToList(), domainOptions with { AllHops = true }, domainName, budget, cancellationToken);
                for (var k = 0; k < untried.Count; k++)
                {
                    results[untried[k]] = more[k];
                }
            }
        }

        var controls = await CheckControlPortsAsync(plans, results, domainOptions, cancellationToken);
        var tls = discovery is null ? null : TlsPolicyEvaluation.Evaluate(discovery, plans, results, options.TlsPolicy!, DateTimeOffset.UtcNow);
        return MxPathAnalyzer.Analyze(domainName, domainOptions, resolution, plans, results, controls, clock.Elapsed.TotalMilliseconds, tls);
    }

    private async Task<TlsPolicyDiscovery?> DiscoverTlsPolicyAsync(string domainName, MxPathResolution resolution, MxPathOptions options, CancellationToken cancellationToken)
    {
        if (_tlsPolicy is null || options.TlsPolicy is null || resolution.Source is not (MxPathSource.Mx or MxPathSource.ImplicitMx))
        {
            return null;
        }

        var exchanges = resolution.Targets.Where(t => !t.IsAddressLiteral).Select(t => t.Exchange).ToList();
        // The policy fetch waits as long as a connect may (RFC 8461 §3.3 leaves the bound to the sender).
        var tlsOptions = options.TlsPolicy with { PolicyFetchTimeout = options.ConnectTimeout };
        var discovery = await _tlsPolicy.DiscoverAsync(domainName, exchanges, tlsOptions, cancellationToken);
        _reporter.Verbose(F("{0}: {1}; TLSA {2} (resolver {3})", domainName, discovery.MtaSts, string.Join(", ", discovery.Dane.Select(d => d.Exchange + " " + d.Status)), discovery.Resolver));
        return discovery;
    }

    /// <summary>
    /// Tests many domains, up to <see cref="MxPathOptions.ThrottleLimit"/> at once, reporting each result as soon
    /// as it is complete (so the order is completion order). Inputs are normalised and de-duplicated here;
    /// bad names and domains that could not be tested go to <paramref name="onError"/> and the batch goes on.
    /// </summary>
    public async Task RunAsync(IEnumerable<string> domainNames, MxPathOptions options, Action<MxPathResult> onResult, Action<MailFlowException> onError, CancellationToken cancellationToken)
    {
        Validate(options);
        var queue = new ConcurrentQueue<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in domainNames)
        {
            if (!MxPathInput.TryNormalize(input, out var domain, out var error))
            {
                onError(error!);
            }
            else if (seen.Add(domain))
            {
                queue.Enqueue(domain);
            }
            else
            {
                _reporter.Verbose(F("{0}: given more than once; tested once.", domain));
            }
        }

        var total = queue.Count;
        if (total == 0)
        {
            return;
        }

        var done = 0;
        var batch = StartBatch(options);
        var gate = new object();
        const string Activity = "Test-MxPath";
        _reporter.Progress(new EngineProgress(ProgressActivityId, Activity, F("0 of {0} domains", total), 0));

        async Task Worker()
        {
            while (queue.TryDequeue(out var domain))
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    onResult(await batch.TestAsync(domain, cancellationToken));
                }
                catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
                {
                    onError(ex);
                }

                lock (gate)
                {
                    done++;
                    _reporter.Progress(new EngineProgress(ProgressActivityId, Activity, F("{0} of {1} domains (last: {2})", done, total, domain), done * 100 / total));
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Min(options.ThrottleLimit, total)).Select(_ => Task.Run(Worker, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            _reporter.Progress(new EngineProgress(ProgressActivityId, Activity, F("{0} of {1} domains", done, total), 100, completed: true));
        }

        batch.Finish(onError);
    }

    /// <summary>
    /// When every hop timed out on the mail port, a bare connect to another port of up to two of the addresses
    /// tells a dead host (silence everywhere) from a blocked port (the other port answers or refuses).
    /// </summary>
    private async Task<IReadOnlyList<PortControlCheck>> CheckControlPortsAsync(IReadOnlyList<MxHopPlan> plans, HopProbeResult?[] results, MxPathOptions options, CancellationToken cancellationToken)
    {
        var walked = Enumerable.Range(0, plans.Count).Where(i => results[i] is not null).ToList();
        if (walked.Count == 0 || walked.Any(i => results[i]!.Outcome != MxHopOutcome.ConnectTimeout))
        {
            return Array.Empty<PortControlCheck>();
        }

        var ports = options.ControlPorts.Where(p => p != options.Port && p is > 0 and <= 65535).Distinct().ToList();
        var addresses = walked.Select(i => plans[i].Address).Distinct().Take(2).ToList();
        var timeout = options.ConnectTimeout < MaxControlTimeout ? options.ConnectTimeout : MaxControlTimeout;
        var checks = addresses.SelectMany(a => ports.Select(async p =>
        {
            var clock = Stopwatch.StartNew();
            var outcome = await _prober.CheckPortAsync(a, p, timeout, cancellationToken);
            _reporter.Verbose(F("control connect to {0} port {1}: {2}", a, p, outcome));
            return new PortControlCheck(a.ToString(), p, outcome, clock.Elapsed.TotalMilliseconds);
        })).ToList();
        return await Task.WhenAll(checks);
    }

    private static MailFlowException OutOfRange(string parameter, string message, object value) =>
        new(ErrorIds.ValueOutOfRange, MailFlowErrorCategory.InvalidArgument, message.TrimEnd('.') + "; got " + Convert.ToString(value, CultureInfo.InvariantCulture) + ".", parameter + "=" + Convert.ToString(value, CultureInfo.InvariantCulture), isInvalidInvocation: true);

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
