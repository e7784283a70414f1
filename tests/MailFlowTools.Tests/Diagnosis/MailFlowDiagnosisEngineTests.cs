using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp;
using static MailFlowTools.Tests.Diagnosis.DiagnosisSamples;

namespace MailFlowTools.Tests.Diagnosis;

/// <summary>
/// Debug-MailFlow's engine over fake probes. A test named Ranking_… feeds a probe result that already carries the
/// finding and checks that it is chosen as the cause (and what runs next): it tests ranking, not detection. The
/// detection of each such cause, from real packets, is in Lab/DebugMailFlowLabTests (one scenario per cause, beside
/// its healthy control) and in the lab tests of the cmdlet that finds it (Find-MtuBlackHole, Get-SmtpStageTiming,
/// Test-MxPath).
/// </summary>
public sealed class MailFlowDiagnosisEngineTests
{
    private static readonly MailFlowDiagnosisOptions Full = new() { DnsServers = new[] { "198.51.100.56" } };

    private static Task<MailFlowDiagnosis> Run(FakeDiagnosisProbes probes, string domain, MailFlowDiagnosisOptions? options = null, DiagnosisSeed? seed = null) =>
        Task.Run(() => new MailFlowDiagnosisEngine(probes).DiagnoseAsync(seed ?? new DiagnosisSeed(domain), options ?? Full, CancellationToken.None));

    [Fact]
    public async Task A_healthy_domain_is_None_with_every_step_run_and_nothing_delivered()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "2001:db8:5::25", MxHopOutcome.Ok), Hop(2, "mx1.lab.test", "198.51.100.25", MxHopOutcome.NotTried)),
            Edns = r => r.Servers.Count > 0
                ? new[] { Edns("198.51.100.56", null) }
                : new[] { Edns("198.51.100.53", "ns1.lab.test"), Edns("198.51.100.55", "ns3.lab.test", Finding.Info(FindingCodes.TcpFallbackBlocked, "TCP/53 blocked; this answer fits in UDP.")) },
        };

        var d = await Run(probes, "healthy.lab.test");

        Assert.Equal(FindingCodes.None, d.Cause);
        Assert.Equal(FaultLocation.None, d.Location);
        Assert.DoesNotContain(d.Findings, f => f.Finding.IsProblem);
        Assert.DoesNotContain(((IHasFindings)d).Findings, f => f.IsProblem);
        Assert.Equal("mx1.lab.test [2001:db8:5::25]:25", d.SelectedHop);
        Assert.Equal(new[] { "Status", "Dns", "MxPath", "SmtpStages", "PathMtu" }, d.StageTimesMs.Keys);
        Assert.Equal(3, d.Edns.Length);
        Assert.Equal("resolver 198.51.100.56", MailFlowDiagnosisEngine.EdnsSubject(d.Edns[0], d.DnsResolvers));
        Assert.Contains(d.Findings, f => f.Stage == DiagnosisStage.Dns && f.Subject == "ns3.lab.test 198.51.100.55");

        // Resolver and authoritative probes, the walk with the diagnosis's timeouts.
        Assert.Equal(2, probes.EdnsCalls.Count);
        Assert.Contains(probes.EdnsCalls, r => r.Servers.SequenceEqual(new[] { "198.51.100.56" }));
        Assert.Contains(probes.EdnsCalls, r => r.Servers.Count == 0);
        Assert.All(probes.EdnsCalls, r => Assert.Equal(TimeSpan.FromSeconds(3), r.Timeout));
        var mx = Assert.Single(probes.MxCalls);
        Assert.Equal(TimeSpan.FromSeconds(5), mx.Options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), mx.Options.BannerTimeout);

        // One full session with ~100 kB of message data, never delivered; the sweep on the selected hop.
        var stage = Assert.Single(probes.StageCalls);
        Assert.Equal("2001:db8:5::25", stage.Address);
        Assert.Equal(SmtpStopAfter.Body, stage.StopAfter);
        Assert.False(stage.Deliver);
        Assert.Equal(100 * 1024, stage.MessageSize);
        Assert.Equal(new[] { "postmaster@healthy.lab.test" }, stage.To);
        Assert.Empty(stage.LocalBlockCheckPorts!);
        var mtu = Assert.Single(probes.MtuCalls);
        Assert.Equal("2001:db8:5::25", mtu.ComputerName);
        Assert.Contains(513, mtu.PayloadSizes);
        Assert.Contains(1025, mtu.PayloadSizes);
        Assert.Equal(TimeSpan.FromSeconds(2), mtu.Timeout);
        Assert.Contains(d.EvidenceChain, l => l.Contains("102400 of 102400 bytes of message data acknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quick_runs_dns_and_the_walk_only()
    {
        var probes = new FakeDiagnosisProbes { MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "198.51.100.25", MxHopOutcome.Ok)) };
        var d = await Run(probes, "healthy.lab.test", Full with { Quick = true });

        Assert.Equal(FindingCodes.None, d.Cause);
        Assert.True(d.Quick);
        Assert.Empty(probes.StageCalls);
        Assert.Empty(probes.MtuCalls);
        Assert.Contains("quick run", d.Summary, StringComparison.Ordinal);
        Assert.Contains(d.Notes, n => n.StartsWith("Quick run", StringComparison.Ordinal));
        Assert.DoesNotContain("SmtpStages", d.StageTimesMs.Keys);
    }

    [Fact]
    public async Task Dns_and_the_walk_run_side_by_side()
    {
        var probes = new FakeDiagnosisProbes
        {
            // Long enough that a busy machine cannot blur "side by side" (2 s) into "one after the other" (4 s).
            EdnsDelay = TimeSpan.FromSeconds(2),
            MxDelay = TimeSpan.FromSeconds(2),
            MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "198.51.100.25", MxHopOutcome.Ok)),
        };
        var clock = Stopwatch.StartNew();
        var d = await Run(probes, "healthy.lab.test", Full with { Quick = true });
        Assert.True(clock.ElapsedMilliseconds < 3500, $"{clock.ElapsedMilliseconds} ms: the EDNS probes and the walk ran one after the other");
        Assert.InRange(d.StageTimesMs["Dns"], 1900, 3500);
        Assert.InRange(d.StageTimesMs["MxPath"], 1900, 3500);
    }

    [Fact]
    public async Task Ranking_a_reported_silent_primary_is_NoBannerAfterConnect_and_its_greeting_is_timed_again()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(
                d,
                new[]
                {
                    Hop(1, "silent.lab.test", "2001:db8:5::30", MxHopOutcome.NoBanner, 100),
                    Hop(2, "silent.lab.test", "198.51.100.30", MxHopOutcome.NoBanner, 100),
                    Hop(3, "mx1.lab.test", "2001:db8:5::25", MxHopOutcome.Ok, 300),
                },
                Finding.Warning(FindingCodes.NoBannerAfterConnect, "silent.lab.test accepts TCP but never greets.", "Fix or remove the MX."),
                Finding.Warning(FindingCodes.PrimaryDownSecondaryUp, "The primary fails.", "Repair it.")),
        };
        probes.Stages = o => o.Address!.EndsWith("30", StringComparison.Ordinal) ? SilentSession(o) : CleanSession(o);

        var d = await Run(probes, "failover.lab.test");

        Assert.Equal(FindingCodes.NoBannerAfterConnect, d.Cause);
        Assert.Equal(FaultLocation.RemoteHost, d.Location);
        Assert.Equal(3, probes.StageCalls.Count);
        Assert.Equal(SmtpStopAfter.Banner, probes.StageCallFor("198.51.100.30").StopAfter);
        Assert.Equal(SmtpStopAfter.Banner, probes.StageCallFor("2001:db8:5::30").StopAfter);
        Assert.Equal(SmtpStopAfter.Body, probes.StageCallFor("2001:db8:5::25").StopAfter);
        Assert.Equal("2001:db8:5::25", Assert.Single(probes.MtuCalls).ComputerName);
        Assert.Contains(d.Findings, f => f.Stage == DiagnosisStage.SmtpStages && f.Subject.StartsWith("silent.lab.test [198.51.100.30]:25 Banner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ranking_a_reported_black_hole_explains_the_stall_and_the_size_limit_in_the_sweep()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(d, Hop(1, "mx-blackhole.lab.test", "198.51.100.27", MxHopOutcome.Ok)),
            Stages = o => StalledSession(o, 0),
            Mtu = o => new[] { MtuBlackHole(o.ComputerName) },
        };

        var d = await Run(probes, "blackhole.lab.test");

        Assert.Equal(FindingCodes.PmtudBlackHole, d.Cause);
        Assert.Equal(FaultLocation.Path, d.Location);
        Assert.Contains(d.EvidenceChain, l => l.StartsWith("SmtpStages: mx-blackhole.lab.test [198.51.100.27]:25 Body: [Error] TransferStalled", StringComparison.Ordinal));
        Assert.Contains(d.EvidenceChain, l => l.StartsWith("PathMtu: mx-blackhole.lab.test 198.51.100.27: [Error] PmtudBlackHole", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ranking_reported_loss_of_particular_sizes_is_SizeSpecificLoss()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(d, Hop(1, "mx-sizeloss.lab.test", "198.51.100.26", MxHopOutcome.Ok)),
            Mtu = o => new[] { MtuSizeLoss(o.ComputerName) },
        };
        var d = await Run(probes, "sizeloss.lab.test");
        Assert.Equal(FindingCodes.SizeSpecificLoss, d.Cause);
        Assert.Equal(FaultLocation.Path, d.Location);
    }

    [Fact]
    public async Task Ranking_a_reported_stall_without_an_mtu_problem_is_TransferStalled()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(d, Hop(1, "mx-stall.lab.test", "198.51.100.29", MxHopOutcome.Ok)),
            Stages = o => StalledSession(o, 60_802),
        };
        var d = await Run(probes, "stall.lab.test");
        Assert.Equal(FindingCodes.TransferStalled, d.Cause);
        Assert.Contains(d.EvidenceChain, l => l.Contains("60802 of 65536 bytes of message data acknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ranking_reported_AllHopsFailed_is_on_the_path_and_no_mtu_probe_runs()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(
                d,
                new[] { Hop(1, "mx-dead.lab.test", "2001:db8:5::33", MxHopOutcome.ConnectTimeout), Hop(2, "mx-dead.lab.test", "198.51.100.33", MxHopOutcome.ConnectTimeout) },
                Finding.Error(FindingCodes.AllHopsFailed, "No MX address accepted a session.", "Check the firewalls.", new Dictionary<string, object> { ["Tried"] = 2, ["Outcomes"] = "ConnectTimeout x2" })),
            Stages = TimedOutConnect,
        };

        var d = await Run(probes, "unreachable.lab.test");

        Assert.Equal(FindingCodes.AllHopsFailed, d.Cause);
        Assert.Equal(FaultLocation.Path, d.Location);
        Assert.Null(d.SelectedHop);
        Assert.Empty(probes.MtuCalls);
        Assert.Equal(2, probes.StageCalls.Count);
        Assert.All(probes.StageCalls, o => Assert.Equal(SmtpStopAfter.Banner, o.StopAfter));
        Assert.DoesNotContain(d.Findings, f => f.Finding.Code == FindingCodes.LocalPort25Blocked);
    }

    [Fact]
    public async Task Ranking_a_reported_null_mx_needs_no_smtp_probe()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => new MxPathResult
            {
                DomainName = d,
                MxSource = MxPathSource.NullMx,
                Summary = d + " publishes a null MX.",
                Findings = new[] { Finding.Warning(FindingCodes.NullMx, "Null MX.", "Publish MX records.") },
            },
        };
        var d = await Run(probes, "nullmx.lab.test");
        Assert.Equal(FindingCodes.NullMx, d.Cause);
        Assert.Equal(FaultLocation.RemoteHost, d.Location);
        Assert.Empty(probes.StageCalls);
        Assert.Empty(probes.MtuCalls);
    }

    [Fact]
    public async Task The_time_budget_ends_a_hanging_step_and_says_so()
    {
        var probes = new FakeDiagnosisProbes { MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "198.51.100.25", MxHopOutcome.Ok)), HangMtu = true };
        var clock = Stopwatch.StartNew();
        var d = await Run(probes, "healthy.lab.test", Full with { Budget = TimeSpan.FromMilliseconds(300) });
        Assert.True(clock.ElapsedMilliseconds < 3000, $"{clock.ElapsedMilliseconds} ms");
        Assert.Contains(d.Notes, n => n.StartsWith("The path MTU probes did not finish", StringComparison.Ordinal));
        Assert.Contains("Some steps did not complete", d.Summary, StringComparison.Ordinal);
        Assert.Empty(d.Mtu);
    }

    [Fact]
    public async Task Ctrl_C_cancels_the_run()
    {
        var probes = new FakeDiagnosisProbes { MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "198.51.100.25", MxHopOutcome.Ok)), HangMtu = true };
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(() => new MailFlowDiagnosisEngine(probes).DiagnoseAsync(new DiagnosisSeed("healthy.lab.test"), Full, stop.Token)));
    }

    [Fact]
    public async Task A_walk_that_cannot_run_is_an_error_not_a_diagnosis()
    {
        var probes = new FakeDiagnosisProbes
        {
            MxPath = _ => throw new MailFlowException(ErrorIds.NoDnsServer, MailFlowErrorCategory.ResourceUnavailable, "No DNS server is configured."),
            EdnsDelay = TimeSpan.FromMilliseconds(200),
        };
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => Run(probes, "healthy.lab.test"));
        Assert.Equal(ErrorIds.NoDnsServer, ex.ErrorId);
    }

    [Fact]
    public async Task An_ndr_seeds_the_domain_and_status_but_not_the_cause()
    {
        var seed = new DiagnosisInput { NdrText = System.IO.File.ReadAllText(Infrastructure.TestPaths.InRepo("samples", "ndr-incident1.txt")) }.ToSeed();
        Assert.Equal("big.lab.test", seed.DomainName);
        Assert.Equal("NDR", seed.StatusSource);

        var probes = new FakeDiagnosisProbes { MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "198.51.100.25", MxHopOutcome.Ok)) };
        var d = await Run(probes, seed.DomainName, seed: seed);

        Assert.Equal("4.4.7", d.Status!.EnhancedStatus);
        Assert.Contains(d.Findings, f => f.Stage == DiagnosisStage.Status && f.Finding.IsProblem);
        Assert.Equal(FindingCodes.None, d.Cause);
        Assert.Contains("4.4.7 was not reproduced", d.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Status: NDR: 451 4.4.7", d.EvidenceChain[0], StringComparison.Ordinal);
        Assert.DoesNotContain(((IHasFindings)d).Findings, f => f.IsProblem);
    }

    [Fact]
    public void Queue_items_and_inputs_name_the_domain()
    {
        Assert.Equal("contoso.com", new DiagnosisInput { DomainName = "*.Contoso.com" }.ToSeed().DomainName);
        var queue = new DiagnosisInput { NextHopDomain = "stall.lab.test", LastError = "451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped due to SocketError.\"" }.ToSeed();
        Assert.Equal("stall.lab.test", queue.DomainName);
        Assert.Equal("queue LastError", queue.StatusSource);
        Assert.Equal("4.4.0", queue.Status!.EnhancedStatus);
        var given = new DiagnosisInput { DomainName = "healthy.lab.test", NdrText = "550 5.1.1 bob@other.test unknown" }.ToSeed();
        Assert.Equal("healthy.lab.test", given.DomainName);

        var none = Assert.Throws<MailFlowException>(() => new DiagnosisInput { LastError = "451 4.4.0 no domain here" }.ToSeed());
        Assert.Equal(ErrorIds.InvalidDomainName, none.ErrorId);
        Assert.False(none.IsInvalidInvocation);
        Assert.Throws<MailFlowException>(() => new DiagnosisInput { NextHopDomain = "Submission" }.ToSeed());
    }

    [Fact]
    public void Timeouts_are_validated()
    {
        Assert.True(Assert.Throws<MailFlowException>(() => new MailFlowDiagnosisOptions { Timeout = TimeSpan.FromSeconds(0.5) }.Validate()).IsInvalidInvocation);
        Assert.Throws<MailFlowException>(() => new MailFlowDiagnosisOptions { Timeout = TimeSpan.FromSeconds(121) }.Validate());
        var o = new MailFlowDiagnosisOptions { Timeout = TimeSpan.FromSeconds(2) };
        Assert.Equal(TimeSpan.FromSeconds(2), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), o.DnsTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), o.MtuTimeout);
        Assert.Equal(TimeSpan.FromSeconds(18), o.EffectiveBudget);
        Assert.Equal(TimeSpan.FromSeconds(90), new MailFlowDiagnosisOptions().EffectiveBudget);
    }
}
