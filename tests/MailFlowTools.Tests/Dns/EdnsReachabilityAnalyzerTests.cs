using System;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Dns;

public sealed class EdnsReachabilityAnalyzerTests
{
    private static EdnsProbe Udp(int buffer, int size) => new()
    {
        Kind = EdnsProbeKind.Matrix,
        Transport = DnsTransport.Udp,
        Edns = buffer > 0,
        BufferSize = buffer,
        DnssecOk = buffer > 0,
        Outcome = size > 0 ? (size < 100 ? EdnsProbeOutcome.Truncated : EdnsProbeOutcome.Answer) : EdnsProbeOutcome.Timeout,
        ResponseSize = size,
        ResponseHasOpt = buffer > 0 && size > 0,
    };

    private static EdnsProbe Tcp(int size) => new() { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Tcp, Edns = true, BufferSize = 4096, Outcome = EdnsProbeOutcome.Answer, ResponseSize = size, ResponseHasOpt = true };

    private static EdnsReachabilityResult Analyze(params EdnsProbe[] probes) =>
        EdnsReachabilityAnalyzer.Analyze(new EdnsServerTarget(new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53)), "example.test", new EdnsReachabilityOptions(), probes, 1);

    [Fact]
    public void A_stray_loss_below_the_threshold_does_not_hide_fragment_loss()
    {
        var result = Analyze(Udp(0, 30), Udp(512, 41), Udp(1232, 0), Udp(1410, 41), Udp(1472, 41), Udp(4096, 0), Tcp(3997));

        var codes = result.Findings.Select(f => f.Code).ToList();
        Assert.Contains(FindingCodes.LargeUdpResponsesLost, codes);
        Assert.Contains(FindingCodes.IntermittentUdpLoss, codes);
        Assert.Equal(1472, result.LargestWorkingBufferSize);
        Assert.Equal(4096, result.SmallestLostBufferSize);
        Assert.Equal(3997, result.SmallestLostUdpAnswer);
        Assert.Equal((1472, 4096), EdnsReachabilityAnalyzer.Bracket(result.Probes));
    }

    [Fact]
    public void Loss_that_does_not_follow_size_is_intermittent_only()
    {
        var result = Analyze(Udp(0, 0), Udp(512, 0), Udp(1232, 0), Udp(1410, 500), Udp(1472, 500), Udp(4096, 500), Tcp(500));
        Assert.Equal(new[] { FindingCodes.IntermittentUdpLoss }, result.Findings.Select(f => f.Code));
        Assert.Null(EdnsReachabilityAnalyzer.Bracket(result.Probes));

        // The outcomes are counted per kind, in the order of the outcome enumeration.
        var loss = result.Findings[0];
        Assert.Equal("3 Answer, 3 Timeout", loss.Evidence["Outcomes"]);
        Assert.Equal((3, 6), ((int)loss.Evidence["LostProbes"], (int)loss.Evidence["SizeProbes"]));
    }

    [Fact]
    public void Loss_above_1232_keeps_the_flag_day_recommendation()
    {
        var result = Analyze(Udp(0, 30), Udp(512, 41), Udp(1232, 41), Udp(1410, 41), Udp(1472, 41), Udp(4096, 0), Tcp(3997));
        Assert.Equal(1232, result.RecommendedBufferSize);
        Assert.Equal(41, result.LargestUdpAnswer);
        Assert.True(result.TcpWorks);
    }
}
