using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>The whole engine over loopback: real sockets, TCP_MAXSEG/TCP_INFO, the sweep, ICMP when root.</summary>
public sealed class PathMtuEngineLoopbackTests
{
    private static async Task<MtuProbeResult> RunAsync(MtuProbeOptions options)
    {
        var results = new List<MtuProbeResult>();
        await new PathMtuEngine().RunAsync(options, results.Add, CancellationToken.None);
        return Assert.Single(results);
    }

    [Fact]
    public async Task The_sweep_finds_exactly_the_size_a_middlebox_loses()
    {
        using var server = new LoopbackSmtpServer(IPAddress.Loopback, 513);
        var watch = Stopwatch.StartNew();
        var result = await RunAsync(new MtuProbeOptions
        {
            ComputerName = "127.0.0.1",
            Method = MtuProbeMethod.Sweep,
            Port = server.Port,
            PayloadSizes = new[] { 511, 512, 513, 514, 515 },
            Timeout = TimeSpan.FromSeconds(0.5),
        });

        Assert.Equal(new[] { 513 }, result.FailingPayloadSizes);
        Assert.Empty(result.IntermittentPayloadSizes);
        Assert.Equal(MtuProbeMethod.Sweep, result.Method);
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.SizeSpecificLoss);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal(3, result.Sweep.Single(e => e.PayloadSize == 513).Attempts);
        Assert.Contains(513, server.FirstWrites);
        Assert.Contains(514, server.FirstWrites);

        // Attempt 1 (0.5 s) and the retries (0.5 s, side by side), with room for a slow machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), "took " + watch.Elapsed);
    }

    [Fact]
    public async Task The_tcp_method_sends_segments_of_exactly_the_probed_size()
    {
        using var server = new LoopbackSmtpServer(IPAddress.Loopback);
        var result = await RunAsync(new MtuProbeOptions
        {
            ComputerName = "127.0.0.1",
            Method = MtuProbeMethod.Tcp,
            Port = server.Port,
            MinSize = 576,
            MaxSize = 1500,
            Timeout = TimeSpan.FromSeconds(10), // generous: this checks segment sizes, not speed, and CI machines get busy
        });

        Assert.Equal(1500, result.PathMtu);
        Assert.False(result.BlackHole);
        Assert.Null(result.SmallestLostSize);
        Assert.Equal(new[] { MtuProbeMethod.Tcp }, result.MethodsUsed);
        Assert.All(result.Probes, p => Assert.Equal(MtuProbeOutcome.Passed, p.Outcome));
        if (OperatingSystem.IsLinux())
        {
            // TCP_INFO shows the clamp worked: every full segment is the requested IP packet size.
            Assert.All(result.Probes, p => Assert.Equal(p.RequestedSize, p.Size));
        }

        Assert.Contains(result.Findings, f => f.Code == FindingCodes.PmtudWorking);
    }

    [Fact]
    public async Task Icmp_over_loopback_reaches_the_largest_size_in_one_round_when_root()
    {
        Privilege.RequireRoot("raw ICMP sockets");

        var result = await RunAsync(new MtuProbeOptions { ComputerName = "127.0.0.1", Method = MtuProbeMethod.Icmp, MaxSize = 3000, Timeout = TimeSpan.FromSeconds(1) });
        Assert.Equal("RawSocket", result.IcmpTransport);
        Assert.Equal(3000, result.PathMtu);
        Assert.Equal(1, result.Rounds);
        Assert.False(result.IcmpTooBigSeen);

        var v6 = await RunAsync(new MtuProbeOptions { ComputerName = "::1", Method = MtuProbeMethod.Icmp, MaxSize = 2000, Timeout = TimeSpan.FromSeconds(1) });
        Assert.Equal(2000, v6.PathMtu);
        Assert.Equal("IPv6", v6.AddressFamily);
    }

    [Fact]
    public async Task A_closed_port_gives_a_result_with_a_server_unreachable_finding()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = await RunAsync(new MtuProbeOptions { ComputerName = "127.0.0.1", Method = MtuProbeMethod.Tcp, Port = port, MaxSize = 1500, Timeout = TimeSpan.FromSeconds(1) });
        Assert.Null(result.PathMtu);
        Assert.Contains(result.Findings, f => f.Code == FindingCodes.ServerUnreachable);
    }

    [Fact]
    public async Task Names_are_checked_and_unknown_hosts_are_errors_not_results()
    {
        var engine = new PathMtuEngine();
        var bad = await Assert.ThrowsAsync<MailFlowException>(() => engine.RunAsync(new MtuProbeOptions { ComputerName = "bad name!" }, _ => { }, CancellationToken.None));
        Assert.Equal(ErrorIds.InvalidHostName, bad.ErrorId);
        Assert.False(bad.IsInvalidInvocation);

        var unknown = await Assert.ThrowsAsync<MailFlowException>(() => engine.RunAsync(new MtuProbeOptions { ComputerName = "no-such-host.invalid" }, _ => { }, CancellationToken.None));
        Assert.Equal(ErrorIds.UnknownHost, unknown.ErrorId);

        var family = await Assert.ThrowsAsync<MailFlowException>(() => engine.RunAsync(new MtuProbeOptions { ComputerName = "127.0.0.1", AddressFamily = MtuProbeAddressFamily.IPv6 }, _ => { }, CancellationToken.None));
        Assert.Equal(ErrorIds.UnknownHost, family.ErrorId);

        var range = await Assert.ThrowsAsync<MailFlowException>(() => engine.RunAsync(new MtuProbeOptions { ComputerName = "127.0.0.1", MinSize = 20 }, _ => { }, CancellationToken.None));
        Assert.Equal(ErrorIds.ValueOutOfRange, range.ErrorId);
        Assert.True(range.IsInvalidInvocation);
    }

}
