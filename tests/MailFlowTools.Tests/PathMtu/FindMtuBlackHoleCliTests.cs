using System;
using System.Net;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>The mailflow verb over the same engine: JSON shape, exit codes, stable error IDs.</summary>
public sealed class FindMtuBlackHoleCliTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--min-size", "67")]
    [InlineData("--max-size", "70000")]
    [InlineData("--payload-size", "513,9000")]
    public void Out_of_range_sizes_exit_two_with_value_out_of_range(string parameter, string value)
    {
        var r = ProcessRunner.Mailflow(new[] { "Find-MtuBlackHole", "127.0.0.1", parameter, value }, Limit);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ValueOutOfRange", r.StandardError);
    }

    [Fact]
    public void Ipv6_sizes_below_1280_are_out_of_range()
    {
        var r = ProcessRunner.Mailflow(new[] { "Find-MtuBlackHole", "::1", "--address-family", "IPv6", "--min-size", "1000" }, Limit);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ValueOutOfRange", r.StandardError);
    }

    [Fact]
    public void Unknown_host_exits_two_with_unknown_host()
    {
        var r = ProcessRunner.Mailflow(new[] { "Find-MtuBlackHole", "no-such-host.invalid" }, Limit);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("mailflow: UnknownHost:", r.StandardError.Trim());
    }

    [Fact]
    public void A_size_loss_sweep_exits_one_and_lists_the_failing_sizes_in_json()
    {
        using var server = new LoopbackSmtpServer(IPAddress.Loopback, 1025);
        var r = ProcessRunner.Mailflow(
            new[] { "Find-MtuBlackHole", "127.0.0.1", "--method", "Sweep", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--payload-size", "1024,1025,1026", "--timeout-seconds", "0.5", "--json" },
            Limit);
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var result = doc.RootElement[0];
        Assert.Equal("Sweep", result.GetProperty("Method").GetString());
        Assert.Equal(1025, Assert.Single(result.GetProperty("FailingPayloadSizes").EnumerateArray()).GetInt32());
        Assert.Equal("SizeSpecificLoss", result.GetProperty("Findings")[0].GetProperty("Code").GetString());
    }

    [Fact]
    public void Icmp_without_privilege_is_refused_with_raw_socket_not_permitted_naming_the_fallback()
    {
        Privilege.RequireSetpriv();

        // A private network namespace with ICMP datagram sockets closed to every group (the kernel default, which
        // systemd opens up), so neither raw nor datagram ICMP is allowed whatever the host's own setting.
        const string closed = "ip link set lo up && sysctl -qw net.ipv4.ping_group_range='1 0' && "
            + "test \"$(cat /proc/sys/net/ipv4/ping_group_range)\" = \"$(printf '1\\t0')\" && exec \"$@\"";
        var r = ProcessRunner.Run(
            "unshare",
            ["--net", "--", "sh", "-c", closed, "sh", Privilege.Setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw", .. TestPaths.CliCommand, "Find-MtuBlackHole", "127.0.0.1", "--method", "Icmp"],
            Limit);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("mailflow: RawSocketNotPermitted:", r.StandardError.Trim());
        Assert.Contains("-Method Tcp", r.StandardError);
    }
}
