using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Test-EdnsReachability through the lab's faults, run as the real CLI inside the client namespace:
/// .54 sits behind a router that drops UDP fragments, .55 behind one that drops TCP/53, .53 is healthy.
/// big.lab.test's signed MX answer is about 4 kB over UDP and 12.9 kB over TCP.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class TestEdnsReachabilityLabTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    // Largest UDP payload that fits the lab's 1500-byte MTU without fragments.
    private const int Ipv4PathLimit = 1500 - 20 - 8;
    private const int Ipv6PathLimit = 1500 - 40 - 8;

    public TestEdnsReachabilityLabTests(LabFixture lab)
    {
        lab.RequireUp();
    }

    [LabFact]
    public void Fragment_dropping_path_loses_large_udp_answers_ipv4() => AssertFragmentLoss(LabAddresses.DnsFragmentDropV4, Ipv4PathLimit);

    [LabFact]
    public void Fragment_dropping_path_loses_large_udp_answers_ipv6() => AssertFragmentLoss(LabAddresses.DnsFragmentDropV6, Ipv6PathLimit);

    [LabFact]
    public void Healthy_server_has_no_size_problem_ipv4() => AssertHealthy(LabAddresses.DnsHealthyV4);

    [LabFact]
    public void Healthy_server_has_no_size_problem_ipv6() => AssertHealthy(LabAddresses.DnsHealthyV6);

    [LabFact]
    public void Blocked_tcp_is_tcp_fallback_blocked_ipv4() => AssertTcpBlocked(LabAddresses.DnsTcpBlockedV4);

    [LabFact]
    public void Blocked_tcp_is_tcp_fallback_blocked_ipv6() => AssertTcpBlocked(LabAddresses.DnsTcpBlockedV6);

    [LabFact]
    public void Default_servers_are_every_address_of_the_zones_name_servers()
    {
        var (exit, results, stderr) = Run("big.lab.test");
        Assert.True(exit == 1, stderr);
        var byServer = results.ToDictionary(r => r.GetProperty("Server").GetString()!);
        Assert.Equal(
            new[] { LabAddresses.DnsHealthyV4, LabAddresses.DnsFragmentDropV4, LabAddresses.DnsTcpBlockedV4, LabAddresses.DnsHealthyV6, LabAddresses.DnsFragmentDropV6, LabAddresses.DnsTcpBlockedV6 },
            byServer.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("ns2.lab.test", byServer[LabAddresses.DnsFragmentDropV4].GetProperty("ServerName").GetString());
        Assert.Contains("LargeUdpResponsesLost", Codes(byServer[LabAddresses.DnsFragmentDropV6]));
        Assert.Contains("TcpFallbackBlocked", Codes(byServer[LabAddresses.DnsTcpBlockedV4]));
        Assert.Empty(Problems(byServer[LabAddresses.DnsHealthyV6]));
    }

    [LabFact]
    public void Knot_passes_the_compliance_probes()
    {
        var (exit, results, stderr) = Run("big.lab.test", "--server", LabAddresses.DnsHealthyV4, "--compliance");
        Assert.True(exit == 0, stderr);
        Assert.Contains("EdnsCompliant", Codes(Assert.Single(results)));
    }

    [LabFact]
    public void Unknown_server_name_is_an_error_and_exit_2()
    {
        var (exit, _, stderr) = Run("big.lab.test", "--server", "nosuchhost.lab.test", "--timeout-seconds", "1");
        Assert.Equal(2, exit);
        Assert.Contains("UnknownHost", stderr, StringComparison.Ordinal);
    }

    private static void AssertFragmentLoss(string server, int pathLimit)
    {
        var (exit, results, stderr) = Run("big.lab.test", "--server", server);
        Assert.True(exit == 1, stderr);
        var result = Assert.Single(results);
        Assert.Contains("LargeUdpResponsesLost", Codes(result));
        Assert.True(result.GetProperty("TcpWorks").GetBoolean());
        Assert.DoesNotContain("TcpFallbackBlocked", Codes(result));

        // What arrived and what was lost bracket the path's limit.
        var largest = result.GetProperty("LargestUdpAnswer").GetInt32();
        var smallestLost = result.GetProperty("SmallestLostUdpAnswer").GetInt32();
        Assert.True(largest <= pathLimit && pathLimit < smallestLost, $"arrived {largest}, lost {smallestLost}, path limit {pathLimit}");
        var working = result.GetProperty("LargestWorkingBufferSize").GetInt32();
        Assert.True(result.GetProperty("RecommendedBufferSize").GetInt32() <= working);
        Assert.True(result.GetProperty("SmallestLostBufferSize").GetInt32() - working <= 16, "bisection narrowed the bracket");

        // The 4096 probe is lost, the 1232 one arrives (truncated) and TCP gets the whole answer.
        var probes = result.GetProperty("Probes").EnumerateArray().ToList();
        Assert.Contains(probes, p => p.GetProperty("BufferSize").GetInt32() == 4096 && p.GetProperty("Transport").GetString() == "Udp" && p.GetProperty("Outcome").GetString() == "Timeout");
        Assert.Contains(probes, p => p.GetProperty("BufferSize").GetInt32() == 1232 && p.GetProperty("Outcome").GetString() == "Truncated");
        Assert.True(result.GetProperty("FullAnswerSize").GetInt32() > 4096);
    }

    private static void AssertHealthy(string server)
    {
        var (exit, results, stderr) = Run("big.lab.test", "--server", server);
        Assert.True(exit == 0, stderr);
        var result = Assert.Single(results);
        Assert.Empty(Problems(result));
        Assert.True(result.GetProperty("TcpWorks").GetBoolean());
        Assert.True(result.GetProperty("LargestUdpAnswer").GetInt32() > 3000);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("SmallestLostUdpAnswer").ValueKind);
        Assert.Equal(1232, result.GetProperty("RecommendedBufferSize").GetInt32());
    }

    private static void AssertTcpBlocked(string server)
    {
        var (exit, results, stderr) = Run("big.lab.test", "--server", server);
        Assert.True(exit == 1, stderr);
        var result = Assert.Single(results);
        Assert.Contains("TcpFallbackBlocked", Codes(result));
        Assert.DoesNotContain("LargeUdpResponsesLost", Codes(result));
        Assert.False(result.GetProperty("TcpWorks").GetBoolean());
    }

    private static IEnumerable<string> Codes(JsonElement result) =>
        result.GetProperty("Findings").EnumerateArray().Select(f => f.GetProperty("Code").GetString()!).ToList();

    private static IEnumerable<string> Problems(JsonElement result) =>
        result.GetProperty("Findings").EnumerateArray().Where(f => f.GetProperty("Severity").GetString() != "Info").Select(f => f.GetProperty("Code").GetString()!).ToList();

    private static (int Exit, List<JsonElement> Results, string Output) Run(params string[] args)
    {
        var all = new List<string> { "Test-EdnsReachability" };
        all.AddRange(args);
        all.Add("--json");
        var r = ProcessRunner.Mailflow(all, Limit, LabFixture.ClientNamespace);
        var output = "exit " + r.ExitCode + "\n" + r.StandardOutput + "\n" + r.StandardError;
        Assert.False(r.TimedOut, output);
        var results = r.StandardOutput.Trim().Length == 0
            ? new List<JsonElement>()
            : JsonDocument.Parse(r.StandardOutput).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        return (r.ExitCode, results, output);
    }
}
