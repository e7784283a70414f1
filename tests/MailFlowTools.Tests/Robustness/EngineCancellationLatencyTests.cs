using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Execution;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// Ctrl+C for the cmdlets, without PowerShell: StopProcessing in AsyncCmdlet is <see cref="PipelineDispatcher.Stop"/>,
/// and each cmdlet's work is one engine call run by <see cref="PipelineDispatcher.Run"/>. Each engine is called here
/// exactly as its cmdlet calls it, on a pipeline thread, reporting and emitting through the dispatcher; once the probe
/// is waiting on a stalled loopback peer (30 s timeouts), Stop is called from another thread, as PowerShell does.
/// Both must hold within 250 ms: the pipeline thread gets control back, and the engine's own task has ended (so no
/// probe, socket or timer outlives the stopped command).
/// </summary>
[Collection(RobustnessCollection.Name)]
public sealed class EngineCancellationLatencyTests
{
    private delegate Task EngineCall(StallingPeers peers, IEngineReporter reporter, Action<object> emit, Action<MailFlowException> emitError, CancellationToken cancellationToken);

    [Fact]
    public void StopProcessing_ends_every_engine_mid_probe_within_250_ms()
    {
        var scenarios = new (string Cmdlet, string WaitsOn, EngineCall Call)[]
        {
            ("Test-MxPath", "SMTP banner from a silent MX (127.0.0.1)", async (p, reporter, emit, emitError, ct) =>
            {
                // TestMxPathCommand.EndProcessingAsync
                var options = MxPathOptions.FromParameters(p.SilentSmtp.Port, MxAddressFamily.IPv4, 30, 30, false, null, null, MxPathOptions.DefaultThrottleLimit);
                var engine = await MxPathEngine.CreateAsync(new[] { p.Dns.EndPoint.ToString() }, reporter, ct);
                await engine.RunAsync(new[] { StallingPeers.Domain }, options, r => emit(r), emitError, ct);
            }),
            ("Test-EdnsReachability", "DNS answers over UDP and TCP that never come", (p, reporter, emit, emitError, ct) =>
                EdnsReachabilityRunner.RunAsync(new EdnsReachabilityRequest { Name = StallingPeers.Domain, Servers = new[] { p.SilentDns.EndPoint.ToString() }, Timeout = TimeSpan.FromSeconds(30) }, r => emit(r), emitError, reporter, ct)),
            ("Find-MtuBlackHole", "TCP method: banners from a silent listener", (p, reporter, emit, emitError, ct) =>
                new PathMtuEngine(reporter).RunEachAsync(new[] { "127.0.0.1" }, name => new MtuProbeOptions { ComputerName = name, Method = MtuProbeMethod.Tcp, Port = p.SilentSmtp.Port, Timeout = TimeSpan.FromSeconds(30) }, r => emit(r), emitError, ct)),
            ("Find-MtuBlackHole", "Sweep method: banners from a silent listener", (p, reporter, emit, emitError, ct) =>
                new PathMtuEngine(reporter).RunEachAsync(new[] { "127.0.0.1" }, name => new MtuProbeOptions { ComputerName = name, Method = MtuProbeMethod.Sweep, Port = p.SilentSmtp.Port, Timeout = TimeSpan.FromSeconds(30) }, r => emit(r), emitError, ct)),
            ("Get-SmtpStageTiming", "SMTP banner from a silent listener", (p, reporter, emit, emitError, ct) =>
                SmtpStageTimingEngine.RunAsync(new SmtpStageTimingOptions { ComputerName = "127.0.0.1", Port = p.SilentSmtp.Port, Timeouts = SmtpTimeouts.FromSeconds(30) }, reporter, r => emit(r), ct)),
            ("Debug-MailFlow", "the MX lookup, DNS server never answers", (p, reporter, emit, emitError, ct) =>
                DebugMailFlowRunner.RunAsync(new[] { new DiagnosisInput { DomainName = StallingPeers.Domain } }, new MailFlowDiagnosisOptions { DnsServers = new[] { p.SilentDns.EndPoint.ToString() }, Timeout = TimeSpan.FromSeconds(30) }, null, r => emit(r), emitError, reporter, ct)),
            ("Debug-MailFlow", "SMTP banner from a silent MX (127.0.0.1)", (p, reporter, emit, emitError, ct) =>
                DebugMailFlowRunner.RunAsync(new[] { new DiagnosisInput { DomainName = StallingPeers.Domain } }, new MailFlowDiagnosisOptions { DnsServers = new[] { p.Dns.EndPoint.ToString() }, Port = p.SilentSmtp.Port, Timeout = TimeSpan.FromSeconds(30) }, null, r => emit(r), emitError, reporter, ct)),
        };

        var rows = new List<string[]>();
        var failures = new List<string>();
        foreach (var (cmdlet, waitsOn, call) in scenarios)
        {
            using var peers = new StallingPeers();
            var m = Measure(peers, call);
            // A clean stop is cancellation on both sides: AsyncCmdlet turns only OperationCanceledException into
            // PipelineStoppedException, and any other exception would surface as an error record.
            const string canceled = nameof(OperationCanceledException);
            var ok = m.EngineEnd == canceled && m.PipelineEnd == canceled && m.PipelineReturnMs <= CliCancellationLatencyTests.LimitMs && m.EngineEndMs <= CliCancellationLatencyTests.LimitMs;
            if (!ok)
            {
                failures.Add(FormattableString.Invariant($"{cmdlet} ({waitsOn}): pipeline back after {m.PipelineReturnMs:0} ms ({m.PipelineEnd}), engine ended after {m.EngineEndMs:0} ms ({m.EngineEnd ?? "not mid-probe or never ended"})"));
            }

            rows.Add(new[]
            {
                cmdlet,
                waitsOn,
                MailflowChild.Ms(m.InProbeMs),
                FormattableString.Invariant($"{m.PipelineReturnMs:0.0}"),
                FormattableString.Invariant($"{m.EngineEndMs:0.0}"),
                m.EngineEnd ?? "-",
                ok ? "ok" : "FAIL",
            });
        }

        RobustnessReport.Write(40, string.Join(
            "\n",
            "## Cancellation: StopProcessing (cmdlet path) mid-probe, in process",
            string.Empty,
            "In process, each cmdlet's engine call runs as the cmdlet runs it (tests/Pester/Stop.Tests.ps1 measures the same in pwsh): inside PipelineDispatcher.Run on a pipeline thread, reports and results posted through the dispatcher. ",
            "Once the probe waits on a stalled loopback peer (30 s timeouts, +300 ms), PipelineDispatcher.Stop() — what AsyncCmdlet.StopProcessing calls — is called from another thread. ",
            FormattableString.Invariant($"Bound: both the pipeline thread's return and the end of the engine's own task ≤ {CliCancellationLatencyTests.LimitMs:0} ms after Stop."),
            string.Empty,
            RobustnessReport.Table(new[] { "cmdlet", "waits on", "ms since start at Stop", "Stop → pipeline thread back ms", "Stop → engine task ended ms", "engine ended with", "bound" }, rows)));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static StopMeasurement Measure(StallingPeers peers, EngineCall call)
    {
        using var dispatcher = new PipelineDispatcher();
        var reporter = new DispatcherReporter(dispatcher);
        long engineEnded = 0, pipelineReturned = 0;
        string? engineEnd = null;
        var pipelineEnd = "returned without an exception";
        var pipeline = new Thread(() =>
        {
            try
            {
                dispatcher.Run(async ct =>
                {
                    try
                    {
                        await call(peers, reporter, _ => dispatcher.Post(() => { }), _ => dispatcher.Post(() => { }), ct);
                        engineEnd = "returned";
                    }
                    catch (OperationCanceledException)
                    {
                        engineEnd = nameof(OperationCanceledException);
                        throw;
                    }
                    catch (Exception ex)
                    {
                        engineEnd = ex.GetType().Name + ": " + ex.Message;
                        throw;
                    }
                    finally
                    {
                        Volatile.Write(ref engineEnded, Stopwatch.GetTimestamp());
                    }
                });
            }
            catch (OperationCanceledException)
            {
                pipelineEnd = nameof(OperationCanceledException);
            }
            catch (Exception ex)
            {
                pipelineEnd = ex.GetType().Name + ": " + ex.Message;
            }
            finally
            {
                Volatile.Write(ref pipelineReturned, Stopwatch.GetTimestamp());
            }
        })
        { IsBackground = true, Name = "pipeline" };

        var started = Stopwatch.StartNew();
        pipeline.Start();
        var waiting = StallingPeers.WaitUntil(() => peers.SomethingWaiting || Volatile.Read(ref engineEnded) != 0, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(300));
        var inProbeMs = started.Elapsed.TotalMilliseconds;
        var stoppedAt = Stopwatch.GetTimestamp();
        var endedEarly = Volatile.Read(ref engineEnded) != 0;
        dispatcher.Stop();
        pipeline.Join(TimeSpan.FromSeconds(10));
        StallingPeers.WaitUntil(() => Volatile.Read(ref engineEnded) != 0, TimeSpan.FromSeconds(10), TimeSpan.Zero);

        double Since(long at) => at == 0 ? double.PositiveInfinity : Stopwatch.GetElapsedTime(stoppedAt, at).TotalMilliseconds;
        return new StopMeasurement(inProbeMs, Since(Volatile.Read(ref pipelineReturned)), Since(Volatile.Read(ref engineEnded)), waiting && !endedEarly ? engineEnd : null, pipelineEnd);
    }
}
