using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Test-EdnsReachability through the lab's faults, run as the real CLI inside the client namespace:
/// .54 sits behind a router that drops UDP fragments, .55 behind one that drops TCP/53, .53 is healthy.
/// big.lab.test's signed MX answer is about 4 kB over UDP and 12.9 kB over TCP.
/// </summary>
[Collection("Lab")]
public sealed class TestEdnsReachabilityLabTests
{
    // Largest UDP payload that fits the lab's 1500-byte MTU without fragments.
    private const int Ipv4PathLimit = 1500 - 20 - 8;
    private const int Ipv6PathLimit = 1500 - 40 - 8;

    [EdnsLabFact]
    public void Fragment_dropping_path_loses_large_udp_answers_ipv4() => AssertFragmentLoss("198.51.100.54", Ipv4PathLimit);

    [EdnsLabFact]
    public void Fragment_dropping_path_loses_large_udp_answers_ipv6() => AssertFragmentLoss("2001:db8:5::54", Ipv6PathLimit);

    [EdnsLabFact]
    public void Healthy_server_has_no_size_problem_ipv4() => AssertHealthy("198.51.100.53");

    [EdnsLabFact]
    public void Healthy_server_has_no_size_problem_ipv6() => AssertHealthy("2001:db8:5::53");

    [EdnsLabFact]
    public void Blocked_tcp_is_tcp_fallback_blocked_ipv4() => AssertTcpBlocked("198.51.100.55");

    [EdnsLabFact]
    public void Blocked_tcp_is_tcp_fallback_blocked_ipv6() => AssertTcpBlocked("2001:db8:5::55");

    [EdnsLabFact]
    public void Default_servers_are_every_address_of_the_zones_name_servers()
    {
        var (exit, results, stderr) = Run("big.lab.test");
        Assert.True(exit == 1, stderr);
        var byServer = results.ToDictionary(r => r.GetProperty("Server").GetString()!);
        Assert.Equal(
            new[] { "198.51.100.53", "198.51.100.54", "198.51.100.55", "2001:db8:5::53", "2001:db8:5::54", "2001:db8:5::55" },
            byServer.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("ns2.lab.test", byServer["198.51.100.54"].GetProperty("ServerName").GetString());
        Assert.Contains("LargeUdpResponsesLost", Codes(byServer["2001:db8:5::54"]));
        Assert.Contains("TcpFallbackBlocked", Codes(byServer["198.51.100.55"]));
        Assert.Empty(Problems(byServer["2001:db8:5::53"]));
    }

    [EdnsLabFact]
    public void Knot_passes_the_compliance_probes()
    {
        var (exit, results, stderr) = Run("big.lab.test", "--server", "198.51.100.53", "--compliance");
        Assert.True(exit == 0, stderr);
        Assert.Contains("EdnsCompliant", Codes(Assert.Single(results)));
    }

    [EdnsLabFact]
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

    private static (int Exit, List<JsonElement> Results, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "netns", "exec", "mfl-client", "dotnet", EdnsLabFactAttribute.MailflowDll, "Test-EdnsReachability" }.Concat(args).Append("--json"))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("mailflow did not finish within 120 s");
        }

        var text = stdout.Result;
        var results = text.Trim().Length == 0 ? new List<JsonElement>() : JsonDocument.Parse(text).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        return (process.ExitCode, results, stderr.Result + text);
    }
}
