using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// Find-MtuBlackHole's engine: resolves the host, then for every address finds the largest packet that crosses,
/// whether the path says "too big", and (with the sweep) whether particular TCP payload sizes vanish.
/// All probes of a round run in parallel, so an exact answer takes about one probe wait, not a sequential search.
/// </summary>
public sealed class PathMtuEngine
{
    private const int ProgressId = 7;
    private readonly IEngineReporter _reporter;

    public PathMtuEngine(IEngineReporter? reporter = null)
    {
        _reporter = reporter ?? NullEngineReporter.Instance;
    }

    /// <summary>
    /// Each host in turn, as the cmdlet's pipeline and the CLI take them: a host that cannot be probed (unknown,
    /// unreachable resolver) is an error for that host only; invalid invocations still stop the command.
    /// </summary>
    public async Task RunEachAsync(IEnumerable<string> computerNames, Func<string, MtuProbeOptions> optionsFor, Action<MtuProbeResult> emit, Action<MailFlowException> emitError, CancellationToken cancellationToken)
    {
        foreach (var name in computerNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await RunAsync(optionsFor(name), emit, cancellationToken);
            }
            catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
            {
                emitError(ex);
            }
        }
    }

    /// <summary>
    /// Probes every address of <see cref="MtuProbeOptions.ComputerName"/> (in parallel) and emits one result per
    /// address, in resolver order. Throws <see cref="MailFlowException"/> for an unknown host (UnknownHost),
    /// a bad value (ValueOutOfRange, invalid invocation) or ICMP without permission (RawSocketNotPermitted).
    /// </summary>
    public async Task RunAsync(MtuProbeOptions options, Action<MtuProbeResult> emit, CancellationToken cancellationToken)
    {
        options.Validate();
        var addresses = await ResolveAsync(options, cancellationToken);
        var running = addresses.Select(a => ProbeAddressAsync(options, a, cancellationToken)).ToList();
        try
        {
            foreach (var task in running)
            {
                emit(await task);
            }
        }
        finally
        {
            // Never leave probes running behind an exception.
            await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            _reporter.Progress(new EngineProgress(ProgressId, "Find-MtuBlackHole", options.ComputerName, 100, completed: true));
        }
    }

    internal async Task<IReadOnlyList<IPAddress>> ResolveAsync(MtuProbeOptions options, CancellationToken cancellationToken)
    {
        var name = (options.ComputerName ?? string.Empty).Trim();
        // Five probe waits, at least 5 s (the options are validated, so five times the timeout cannot overflow).
        var lookupTimeout = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond * 5, options.Timeout.Ticks * 5));
        var found = await HostResolver.ResolveAsync(name, lookupTimeout, cancellationToken);
        var list = found
            .Where(a => options.AddressFamily switch
            {
                MtuProbeAddressFamily.IPv4 => a.AddressFamily == AddressFamily.InterNetwork,
                MtuProbeAddressFamily.IPv6 => a.AddressFamily == AddressFamily.InterNetworkV6,
                _ => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6,
            })
            .ToList();
        if (list.Count == 0)
        {
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, $"'{name}' has no {options.AddressFamily} address.", name);
        }

        return list;
    }

    internal async Task<MtuProbeResult> ProbeAddressAsync(MtuProbeOptions options, IPAddress address, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var tuning = options.Tuning;
        var local = LocalPathInfo.Inspect(address, _reporter);
        _reporter.Verbose($"{address}: local MTU {Show(local.LocalMtu)} on {local.Interface ?? "?"}, route path MTU {Show(local.RoutePmtu)}"
            + (local.RoutePmtuExpiresSeconds is { } e ? $" (cached, expires in {e} s)" : string.Empty)
            + $", tcp_mtu_probing {Show(local.KernelTcpMtuProbing)} ({Math.Round(watch.Elapsed.TotalMilliseconds)} ms).");

        var familyFloor = ipv6 ? MtuProbeOptions.MinIPv6Size : MtuProbeOptions.MinIPv4Size;
        var max = options.MaxSize != 0 ? options.MaxSize : local.LocalMtu ?? 1500;
        max = Math.Min(MtuProbeOptions.MaxIpSize, Math.Max(max, familyFloor));
        var icmpMin = Math.Min(max, Math.Max(familyFloor, options.MinSize));
        var tcpFloor = TcpSegmentProber.MinPacketSize(ipv6);
        var tcpMin = Math.Min(max, Math.Max(tcpFloor, options.MinSize != 0 ? options.MinSize : (ipv6 ? MtuProbeOptions.MinIPv6Size : 576)));
        var tcpMax = Math.Min(max, EnvelopePayload.MaxPayloadSize - 100 + 32 + (ipv6 ? 40 : 20));
        if (options.MinSize != 0 && options.MinSize < familyFloor)
        {
            _reporter.Verbose($"{address}: -MinSize {options.MinSize} raised to {familyFloor}, the smallest IPv6 MTU.");
        }

        // The TCP method clamps the MSS before connect; where the OS does not allow that (Windows) it cannot run.
        var tcpUsable = TcpSocketOptions.CanSetMaxSegment;
        if (options.Method == MtuProbeMethod.Tcp && !tcpUsable)
        {
            throw new MailFlowException(ErrorIds.SocketOptionUnsupported, MailFlowErrorCategory.NotInstalled, "The TCP method needs to choose the segment size (TCP_MAXSEG), which this operating system does not allow; use -Method Icmp or -Method Sweep.", address.ToString());
        }

        var methods = new List<MtuProbeMethod>();
        var attempts = new List<MtuProbeAttempt>();
        MtuVerdict? verdict = null;
        var verdictMethod = MtuProbeMethod.Sweep;
        string? icmpTransportName = null;
        var icmpUnanswered = false;
        var tcpRan = false;
        string? tcpFailure = null;
        int? peerMss = null;
        var rounds = 0;
        var probes = 0;
        var runSweep = options.Method == MtuProbeMethod.Sweep || (options.PayloadSizes?.Length ?? 0) > 0;

        bool? confirmedByTcp = null;
        string? icmpNotPermitted = null;
        int? icmpEchoLimit = null;

        async Task<MtuVerdict?> RunTcpAsync()
        {
            tcpRan = true;
            if (!methods.Contains(MtuProbeMethod.Tcp))
            {
                methods.Add(MtuProbeMethod.Tcp);
            }

            Progress(options, address, $"TCP port {options.Port}");
            using var prober = new TcpSegmentProber(new IPEndPoint(address, options.Port), options.Timeout, tuning, local.KernelTcpMtuProbing, _reporter);
            var ledger = new SizeLedger(tcpMin, tcpMax);
            var search = new BoundarySearch(ledger, _reporter, $"TCP {address}:{options.Port}")
            {
                FanOut = tuning.TcpFanOut,
                LossConfirmations = tuning.LossConfirmations,
                MaxRounds = tuning.TcpMaxRounds,
                RetryBoundaryWithGap = false,
            };
            await search.RunAsync(SizePlanner.FirstRound(tcpMin, tcpMax, 0, 1), (r, ct) => prober.RunRoundAsync(r, ct), cancellationToken);
            rounds += search.Rounds;
            probes += search.ProbesSent;
            attempts.AddRange(ledger.Attempts);
            peerMss = prober.PeerMss;
            if (!prober.AnyConnected)
            {
                tcpFailure = prober.LastError ?? "no connection";
                return null;
            }

            return MtuVerdict.From(ledger, tuning.LossConfirmations, tooBigObservable: System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux));
        }

        if (options.Method is MtuProbeMethod.Icmp or MtuProbeMethod.Auto)
        {
            var transport = IcmpTransportFactory.TryCreate(address, tuning.IcmpBurst, out var unavailable);
            if (transport is null)
            {
                if (options.Method == MtuProbeMethod.Icmp)
                {
                    throw IcmpTransportFactory.NotPermitted(unavailable, address);
                }

                // Named, not silent: the user asked for Auto and gets the unprivileged method.
                icmpNotPermitted = unavailable;
                _reporter.Warning($"ICMP probing is not permitted for this process (it needs root, CAP_NET_RAW or net.ipv4.ping_group_range); using the unprivileged fallback instead: TCP (-Method Tcp) to {address} port {options.Port}.");
                _reporter.Verbose(unavailable);
            }
            else
            {
                using (transport)
                {
                    icmpTransportName = transport.Name;
                    methods.Add(MtuProbeMethod.Icmp);
                    Progress(options, address, "ICMP via " + transport.Name);
                    var wait = new RoundWaitPolicy(options.Timeout, tuning.RttMultiplier, tuning.MinAdaptiveWait);
                    var ledger = new SizeLedger(icmpMin, max);
                    var search = new BoundarySearch(ledger, _reporter, $"ICMP {address}")
                    {
                        FanOut = tuning.IcmpFanOut,
                        LossConfirmations = tuning.LossConfirmations,
                        MaxRounds = tuning.IcmpMaxRounds,
                        RetryBoundaryWithGap = true,
                    };
                    var first = SizePlanner.FirstRound(icmpMin, max, tuning.IcmpFirstRoundGrid, tuning.LossConfirmations);
                    await search.RunAsync(first, (r, ct) => transport.RunRoundAsync(r, wait, ct), cancellationToken);
                    rounds += search.Rounds;
                    probes += search.ProbesSent;
                    attempts.AddRange(ledger.Attempts);
                    var icmpVerdict = MtuVerdict.From(ledger, tuning.LossConfirmations, transport.SeesTooBig);
                    if (icmpVerdict.NoAnswer)
                    {
                        icmpUnanswered = true;
                    }
                    else
                    {
                        verdict = icmpVerdict;
                        verdictMethod = MtuProbeMethod.Icmp;
                    }
                }
            }

            // Echo requests that vanish may only meet a filter on large ICMP, not a path limit (and a "too big"
            // naming a larger MTU says so): cross-check over SMTP before blaming the path.
            if (options.Method == MtuProbeMethod.Auto && tcpUsable && verdict is { BoundarySilent: true, LargestPassed: { } lo, SmallestLost: { } hi } && hi >= tcpMin && hi <= tcpMax)
            {
                tcpRan = true;
                methods.Add(MtuProbeMethod.Tcp);
                Progress(options, address, $"TCP port {options.Port}: cross-check");
                using var prober = new TcpSegmentProber(new IPEndPoint(address, options.Port), options.Timeout, tuning, local.KernelTcpMtuProbing, _reporter);
                var sizes = new List<int> { hi, hi };
                if (lo >= tcpMin)
                {
                    sizes.Add(lo);
                }

                if (tcpMax > hi)
                {
                    sizes.Add(tcpMax);
                }

                var round = sizes.Select((size, i) => new ProbeRequest(size, sizes.Take(i).Count(x => x == size) + 1, rounds + 1)).ToList();
                var check = await prober.RunRoundAsync(round, cancellationToken);
                rounds++;
                probes += check.Count;
                attempts.AddRange(check);
                peerMss = prober.PeerMss;
                if (prober.AnyConnected)
                {
                    var crossedAbove = check.Any(a => a.Outcome == MtuProbeOutcome.Passed && a.Size > lo);
                    if (crossedAbove)
                    {
                        // TCP segments cross where echo requests vanished: measure the path over TCP instead.
                        icmpEchoLimit = lo;
                        verdict = await RunTcpAsync();
                        verdictMethod = MtuProbeMethod.Tcp;
                    }
                    else
                    {
                        confirmedByTcp = check.Any(a => a.Size == hi && a.Outcome == MtuProbeOutcome.Lost);
                    }
                }
                else
                {
                    _reporter.Verbose($"{address}: no SMTP session on port {options.Port} to cross-check the black hole ({prober.LastError}).");
                }
            }

            if (options.Method == MtuProbeMethod.Auto && verdict is null && tcpUsable)
            {
                verdict = await RunTcpAsync();
                verdictMethod = MtuProbeMethod.Tcp;

                // Failures below a size that crossed are odd for an MTU: look for loss of particular sizes.
                if (verdict is { FailedBelowPassed.Count: > 0 })
                {
                    runSweep = true;
                }
            }
        }
        else if (options.Method == MtuProbeMethod.Tcp)
        {
            verdict = await RunTcpAsync();
            verdictMethod = MtuProbeMethod.Tcp;
        }

        SweepAnalysis? sweep = null;
        if (runSweep)
        {
            methods.Add(MtuProbeMethod.Sweep);
            Progress(options, address, "payload sweep");
            var sizes = (options.PayloadSizes?.Length ?? 0) > 0 ? options.PayloadSizes! : MtuProbeOptions.DefaultSweepSizes;
            using var sweeper = new PayloadSweeper(new IPEndPoint(address, options.Port), options.Timeout, tuning, _reporter);
            var results = await sweeper.RunAsync(sizes, cancellationToken);
            probes += sweeper.ConnectionsMade;
            sweep = SweepAnalysis.From(results);
            if (sweep.Passing.Length == 0 && sweep.Failing.Length == 0 && !sweep.ServerLimited)
            {
                tcpRan = true;
                tcpFailure ??= results.Select(r => r.Detail).FirstOrDefault(d => d is not null) ?? "no connection";
            }
        }

        var findings = MtuFindings.Build(new MtuFindingInputs
        {
            Address = address.ToString(),
            IsIPv6 = ipv6,
            Port = options.Port,
            Verdict = verdict,
            VerdictMethod = verdictMethod,
            IcmpUnanswered = icmpUnanswered,
            TcpRan = tcpRan,
            TcpFailure = tcpFailure,
            ConfirmedByTcp = confirmedByTcp,
            IcmpEchoLimit = icmpEchoLimit,
            Sweep = sweep,
            Local = local,
            IcmpNotPermitted = icmpNotPermitted,
        });

        var tooBig = attempts.Where(a => a.Outcome == MtuProbeOutcome.TooBig).ToList();
        var reported = tooBig.Where(a => a.ReportedMtu is > 0).OrderBy(a => a.ReportedMtu).FirstOrDefault();
        return new MtuProbeResult
        {
            ComputerName = options.ComputerName,
            Address = address.ToString(),
            AddressFamily = ipv6 ? "IPv6" : "IPv4",
            Method = verdict is null && sweep is null && methods.Count > 0 ? methods[methods.Count - 1] : verdictMethod,
            MethodsUsed = methods.ToArray(),
            IcmpTransport = icmpTransportName,
            Port = options.Port,
            PathMtu = verdict?.LargestPassed,
            LargestPassedSize = verdict?.LargestPassed,
            SmallestLostSize = verdict?.SmallestLost,
            IcmpTooBigSeen = tooBig.Count > 0,
            ReportedNextHopMtu = reported?.ReportedMtu,
            ReportedBy = reported?.ReportedBy ?? tooBig.Select(a => a.ReportedBy).FirstOrDefault(b => b is not null),
            BlackHole = verdict?.BlackHole ?? false,
            FailingPayloadSizes = sweep?.Failing ?? Array.Empty<int>(),
            IntermittentPayloadSizes = sweep?.Intermittent ?? Array.Empty<int>(),
            LocalMtu = local.LocalMtu,
            CachedRoutePmtu = local.RoutePmtu,
            CachedRoutePmtuExpiresSeconds = local.RoutePmtuExpiresSeconds,
            KernelTcpMtuProbing = local.KernelTcpMtuProbing,
            PeerMss = peerMss,
            ProbesSent = probes,
            Rounds = rounds,
            ElapsedMs = Math.Round(watch.Elapsed.TotalMilliseconds, 1),
            Probes = attempts.ToArray(),
            Sweep = sweep?.Entries ?? Array.Empty<PayloadSweepEntry>(),
            Findings = findings,
        };
    }

    private void Progress(MtuProbeOptions options, IPAddress address, string status) =>
        _reporter.Progress(new EngineProgress(ProgressId, "Find-MtuBlackHole " + options.ComputerName, address + ": " + status));

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
}
