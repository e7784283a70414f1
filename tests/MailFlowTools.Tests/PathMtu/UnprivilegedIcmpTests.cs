using System;
using System.Linq;
using System.Text.Json;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// The Linux unprivileged ICMP datagram socket (no CAP_NET_RAW): "too big" errors read from the socket's error
/// queue with the MTU and the router's address, and a black hole told apart, on a private three-namespace path.
/// </summary>
[Trait("Category", "Lab")]
public sealed class UnprivilegedIcmpTests : IClassFixture<PrivateMtuTopology>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly PrivateMtuTopology topology;

    public UnprivilegedIcmpTests(PrivateMtuTopology topology) => this.topology = topology;

    [MailFlowTools.Tests.Lab.LabTheory]
    [InlineData(PrivateMtuTopology.ControlV4, false)]
    [InlineData(PrivateMtuTopology.ControlV6, false)]
    [InlineData(PrivateMtuTopology.BlackHoleV4, true)]
    [InlineData(PrivateMtuTopology.BlackHoleV6, true)]
    public void Datagram_sockets_find_the_exact_mtu_and_whether_too_big_comes_back(string address, bool blackHole)
    {
        Assert.SkipWhen(topology.SkipReason is not null, topology.SkipReason ?? string.Empty);

        var r = topology.Unprivileged(Limit, "Find-MtuBlackHole", address, "--method", "Icmp", "--json");
        var raw = "exit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.True(r.ExitCode == (blackHole ? 1 : 0), raw);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var result = doc.RootElement[0];
        Assert.Equal("DatagramSocket", result.GetProperty("IcmpTransport").GetString());
        Assert.Equal(PrivateMtuTopology.Mtu, result.GetProperty("PathMtu").GetInt32());
        Assert.Equal(PrivateMtuTopology.Mtu + 1, result.GetProperty("SmallestLostSize").GetInt32());
        Assert.Equal(blackHole, result.GetProperty("BlackHole").GetBoolean());
        Assert.Equal(!blackHole, result.GetProperty("IcmpTooBigSeen").GetBoolean());
        if (!blackHole)
        {
            Assert.Equal(PrivateMtuTopology.Mtu, result.GetProperty("ReportedNextHopMtu").GetInt32());
            Assert.Equal(address.Contains(':', StringComparison.Ordinal) ? "2001:db8:77:a::1" : "203.0.113.1", result.GetProperty("ReportedBy").GetString());
        }

        // No probe may be mistaken for a local refusal (a stale socket error returned by the next send).
        Assert.DoesNotContain(result.GetProperty("Probes").EnumerateArray(), p => p.GetProperty("Outcome").GetString() == "LocalTooBig");
    }

    [MailFlowTools.Tests.Lab.LabFact]
    public void Auto_does_not_call_a_filter_on_large_echo_requests_a_black_hole()
    {
        Assert.SkipWhen(topology.SkipReason is not null, topology.SkipReason ?? string.Empty);

        var r = topology.Privileged(Limit, "Find-MtuBlackHole", PrivateMtuTopology.EchoFilteredV4, "--json");
        var raw = "exit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.True(r.ExitCode == 0, raw);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var result = doc.RootElement[0];
        Assert.Equal("Tcp", result.GetProperty("Method").GetString());
        Assert.False(result.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.Equal(PrivateMtuTopology.Mtu, result.GetProperty("PathMtu").GetInt32());
        Assert.True(result.GetProperty("IcmpTooBigSeen").GetBoolean(), raw);
        var filtered = result.GetProperty("Findings").EnumerateArray().Single(f => f.GetProperty("Code").GetString() == "IcmpFiltered");
        Assert.Equal(PrivateMtuTopology.EchoFilter, filtered.GetProperty("Evidence").GetProperty("LargestEchoThatCrossed").GetInt32());
    }

    [MailFlowTools.Tests.Lab.LabTheory]
    [InlineData(PrivateMtuTopology.ControlV4)]
    [InlineData(PrivateMtuTopology.ControlV6)]
    public void The_route_lookup_over_rtnetlink_answers_as_ip_route_get_does(string address)
    {
        Assert.SkipWhen(topology.SkipReason is not null, topology.SkipReason ?? string.Empty);
        NetlinkRouteTests.CompareWithIproute(topology, address);
    }
}
