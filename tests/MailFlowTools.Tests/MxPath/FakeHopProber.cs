using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// Scripted hops: per address an outcome and how long the probe takes. Unknown addresses are healthy and instant.
/// Records every probe (start time, end, whether it was cancelled) and the highest number running at once.
/// </summary>
internal sealed class FakeHopProber : IHopProber
{
    private readonly Dictionary<string, (HopProbeResult Result, TimeSpan Delay)> _hops = new();
    private readonly Dictionary<(string, int), PortCheckOutcome> _ports = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private int _running;

    public List<Probe> Probes { get; } = new();

    public List<(string Address, int Port)> PortChecks { get; } = new();

    public int MaxConcurrent { get; private set; }

    public FakeHopProber On(string address, MxHopOutcome outcome, int delayMs = 0, string? banner = null, int? replyCode = null, string? replyText = null, bool? startTls = null, bool? tls = null)
    {
        _hops[address] = (new HopProbeResult
        {
            Outcome = outcome,
            ConnectMs = outcome is MxHopOutcome.ConnectRefused or MxHopOutcome.ConnectTimeout or MxHopOutcome.Unreachable ? null : 0.5,
            BannerMs = outcome is MxHopOutcome.Ok or MxHopOutcome.EhloFailed or MxHopOutcome.TlsFailed or MxHopOutcome.RecipientRejected or MxHopOutcome.BannerRejected or MxHopOutcome.BannerTempFailed ? 1.5 : null,
            Banner = banner ?? (outcome is MxHopOutcome.Ok or MxHopOutcome.EhloFailed or MxHopOutcome.TlsFailed or MxHopOutcome.RecipientRejected ? "220 mx.example ESMTP" : null),
            ReplyCode = replyCode,
            ReplyText = replyText,
            StartTlsOffered = startTls,
            TlsEstablished = tls,
            Detail = outcome == MxHopOutcome.Ok ? null : "scripted " + outcome,
            ElapsedMs = delayMs,
        }, TimeSpan.FromMilliseconds(delayMs));
        return this;
    }

    public FakeHopProber Port(string address, int port, PortCheckOutcome outcome)
    {
        _ports[(address, port)] = outcome;
        return this;
    }

    public async Task<HopProbeResult> ProbeAsync(HopProbeRequest request, CancellationToken cancellationToken)
    {
        var probe = new Probe(request, _clock.Elapsed.TotalMilliseconds);
        lock (_gate)
        {
            Probes.Add(probe);
            _running++;
            MaxConcurrent = Math.Max(MaxConcurrent, _running);
        }

        try
        {
            var key = request.Address.ToString();
            var (result, delay) = _hops.TryGetValue(key, out var scripted)
                ? scripted
                : (new HopProbeResult { Outcome = MxHopOutcome.Ok, ConnectMs = 0.2, BannerMs = 0.4, Banner = "220 healthy ESMTP" }, TimeSpan.Zero);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    probe.Cancelled = true;
                    throw;
                }
            }
            else
            {
                await Task.Yield();
            }

            return result.WithFindings(SessionFindings(result, request));
        }
        finally
        {
            probe.EndMs = _clock.Elapsed.TotalMilliseconds;
            lock (_gate)
            {
                _running--;
            }
        }
    }

    public Task<PortCheckOutcome> CheckPortAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            PortChecks.Add((address.ToString(), port));
        }

        return Task.FromResult(_ports.TryGetValue((address.ToString(), port), out var o) ? o : PortCheckOutcome.Timeout);
    }

    /// <summary>What the real session raises for a scripted outcome, through the same definitions.</summary>
    private static List<Finding> SessionFindings(HopProbeResult result, HopProbeRequest request)
    {
        var address = request.Address.ToString();
        var findings = new List<Finding>();
        if (result.Outcome == MxHopOutcome.NoBanner)
        {
            findings.Add(SmtpFindings.NoBannerAfterConnect(request.Exchange, new[] { address }, request.Port, request.BannerTimeout, SmtpStageOutcome.Timeout));
        }

        if (result.Banner is { Length: > 4 } banner && BannerInspector.IsMasked(banner.Substring(4)))
        {
            findings.Add(SmtpFindings.BannerMasked(request.Exchange, address, banner));
        }

        if (result.Outcome == MxHopOutcome.TlsFailed)
        {
            findings.Add(SmtpFindings.StartTlsFailed(request.Exchange, address, request.Port, result.Detail ?? "no detail"));
        }

        return findings;
    }

    internal sealed class Probe
    {
        public Probe(HopProbeRequest request, double startMs)
        {
            Request = request;
            StartMs = startMs;
        }

        public HopProbeRequest Request { get; }

        public string Address => Request.Address.ToString();

        public double StartMs { get; }

        public double EndMs { get; set; }

        public bool Cancelled { get; set; }
    }
}
