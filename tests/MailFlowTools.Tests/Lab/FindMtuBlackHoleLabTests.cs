using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Find-MtuBlackHole against the lab's real paths (incidents 2 and 3), run as the mailflow CLI inside the client
/// namespace: the black hole (.27/::27) and its control (.28/::28) exact to the byte, the size-loss path (.26)
/// with exactly its failing sizes, the TCP method and the unprivileged fallback.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class FindMtuBlackHoleLabTests
{
    private const double ProbeTimeoutSeconds = 2;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    /// <summary>Each case finishes within two probe waits plus a second (measured inside the engine).</summary>
    private static readonly double Budget = (2 * ProbeTimeoutSeconds + 1) * 1000;

    private readonly LabFixture lab;

    public FindMtuBlackHoleLabTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    [LabTheory]
    [InlineData(LabAddresses.BlackHoleV4)]
    [InlineData(LabAddresses.BlackHoleV6)]
    public void Black_hole_is_proved_with_the_exact_path_mtu(string address)
    {
        var (exit, r, raw) = Run(address);
        Assert.True(exit == 1, raw);
        Assert.Equal("Icmp", r.GetProperty("Method").GetString());
        Assert.Equal("RawSocket", r.GetProperty("IcmpTransport").GetString());
        Assert.True(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.Equal(1400, r.GetProperty("PathMtu").GetInt32());
        Assert.Equal(1401, r.GetProperty("SmallestLostSize").GetInt32());
        Assert.False(r.GetProperty("IcmpTooBigSeen").GetBoolean());
        Assert.Equal(1500, r.GetProperty("LocalMtu").GetInt32());
        Assert.Contains("PmtudBlackHole", Codes(r));
        Assert.True(Elapsed(r) < Budget, "took " + Elapsed(r) + " ms");
    }

    [LabTheory]
    [InlineData(LabAddresses.PmtuControlV4)]
    [InlineData(LabAddresses.PmtuControlV6)]
    public void Control_path_reports_too_big_with_the_same_path_mtu(string address)
    {
        var (exit, r, raw) = Run(address);
        Assert.True(exit == 0, raw);
        Assert.False(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.True(r.GetProperty("IcmpTooBigSeen").GetBoolean(), raw);
        Assert.Equal(1400, r.GetProperty("PathMtu").GetInt32());
        Assert.Equal(1401, r.GetProperty("SmallestLostSize").GetInt32());
        Assert.Equal(1400, r.GetProperty("ReportedNextHopMtu").GetInt32());
        Assert.Equal(address.Contains(':', StringComparison.Ordinal) ? LabAddresses.RouterClientSideV6 : LabAddresses.RouterClientSideV4, r.GetProperty("ReportedBy").GetString());
        Assert.Contains("PmtudWorking", Codes(r));
        Assert.DoesNotContain("PmtudBlackHole", Codes(r));
        Assert.True(Elapsed(r) < Budget, "took " + Elapsed(r) + " ms");
    }

    [LabTheory]
    [InlineData(LabAddresses.BlackHoleV4)]
    [InlineData(LabAddresses.BlackHoleV6)]
    public void Tcp_method_finds_the_same_black_hole_over_smtp(string address)
    {
        var before = lab.Delivered();
        var (exit, r, raw) = Run(address, "--method", "Tcp");
        Assert.True(exit == 1, raw);
        Assert.Equal("Tcp", r.GetProperty("Method").GetString());
        Assert.True(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.Equal(1400, r.GetProperty("PathMtu").GetInt32());
        Assert.Equal(1401, r.GetProperty("SmallestLostSize").GetInt32());
        Assert.Contains("PmtudBlackHole", Codes(r));
        Assert.Equal(before, lab.Delivered());
    }

    /// <summary>The control for the TCP method: the same 1400-byte path, with ICMP delivered, is no black hole.</summary>
    [LabTheory]
    [InlineData(LabAddresses.PmtuControlV4)]
    [InlineData(LabAddresses.PmtuControlV6)]
    public void Tcp_method_on_the_control_path_finds_no_black_hole(string address)
    {
        var before = lab.Delivered();
        var (exit, r, raw) = Run(address, "--method", "Tcp");
        Assert.True(exit == 0, raw);
        Assert.Equal("Tcp", r.GetProperty("Method").GetString());
        Assert.False(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.DoesNotContain("PmtudBlackHole", Codes(r));
        Assert.Equal(before, lab.Delivered());
    }

    [LabTheory]
    [InlineData(LabAddresses.SizeLossV4)]
    [InlineData(LabAddresses.SizeLossV6)]
    public void Sweep_finds_exactly_the_lost_payload_sizes(string address)
    {
        var before = lab.Delivered();
        var (exit, r, raw) = Run(address, "--method", "Sweep");
        Assert.True(exit == 1, raw);
        Assert.Equal(new[] { 513, 1025 }, Ints(r.GetProperty("FailingPayloadSizes")));

        // A loaded lab server can be slow once; a size that passes on a retry is reported as intermittent, never as failing.
        Assert.DoesNotContain(513, Ints(r.GetProperty("IntermittentPayloadSizes")));
        Assert.DoesNotContain(1025, Ints(r.GetProperty("IntermittentPayloadSizes")));
        var sweep = r.GetProperty("Sweep").EnumerateArray().ToDictionary(e => e.GetProperty("PayloadSize").GetInt32(), e => e.GetProperty("Failed").GetBoolean());
        foreach (var passing in new[] { 254, 256, 258, 510, 511, 512, 514, 1022, 1024, 1026, 2046, 2048, 2050 })
        {
            Assert.False(sweep[passing], passing + " should pass: " + raw);
        }

        var finding = r.GetProperty("Findings").EnumerateArray().Single(f => f.GetProperty("Code").GetString() == "SizeSpecificLoss");
        Assert.Equal("Error", finding.GetProperty("Severity").GetString());

        // The sweep waits twice by design (first try, then the retries side by side): loosely two waits plus set-up.
        Assert.True(Elapsed(r) < Budget + 3000, "took " + Elapsed(r) + " ms");
        Assert.Equal(before, lab.Delivered());
    }

    /// <summary>The control for the sweep, over both families: the healthy MX loses no size.</summary>
    [LabTheory]
    [InlineData(LabAddresses.Mx1V4)]
    [InlineData(LabAddresses.Mx1V6)]
    public void Sweep_on_the_healthy_path_loses_no_size(string address)
    {
        var before = lab.Delivered();
        var (exit, r, raw) = Run(address, "--method", "Sweep");
        Assert.True(exit == 0, raw);
        Assert.Equal("Sweep", r.GetProperty("Method").GetString());
        Assert.Empty(Ints(r.GetProperty("FailingPayloadSizes")));
        var sweep = r.GetProperty("Sweep").EnumerateArray().ToDictionary(e => e.GetProperty("PayloadSize").GetInt32(), e => e.GetProperty("Failed").GetBoolean());
        Assert.Contains(513, sweep.Keys);
        Assert.Contains(1025, sweep.Keys);
        Assert.All(sweep, s => Assert.False(s.Value, s.Key + " failed: " + raw));
        Assert.DoesNotContain("SizeSpecificLoss", Codes(r));
        Assert.Equal(before, lab.Delivered());
    }

    [LabTheory]
    [InlineData(LabAddresses.Mx1V4)]
    [InlineData(LabAddresses.Mx1V6)]
    public void Healthy_path_has_the_full_mtu_and_no_loss(string address)
    {
        var (exit, r, raw) = Run(address, "--payload-size", "512,513,514,1024,1025,1026");
        Assert.True(exit == 0, raw);
        Assert.Equal(1500, r.GetProperty("PathMtu").GetInt32());
        Assert.False(r.GetProperty("BlackHole").GetBoolean());
        Assert.Empty(Ints(r.GetProperty("FailingPayloadSizes")));
        Assert.Equal(new[] { "Icmp", "Sweep" }, r.GetProperty("MethodsUsed").EnumerateArray().Select(m => m.GetString()));
    }

    [LabFact]
    public void Without_cap_net_raw_auto_falls_back_to_tcp_and_icmp_is_refused_by_id()
    {
        Privilege.RequireSetpriv();

        string[] noRaw = [Privilege.Setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw", .. TestPaths.CliCommand, "Find-MtuBlackHole"];
        var auto = lab.InClient(noRaw.Concat(new[] { LabAddresses.BlackHoleV4, "--json" }), Limit);
        Assert.True(auto.ExitCode == 1, auto.StandardOutput + auto.StandardError);
        using (var doc = JsonDocument.Parse(auto.StandardOutput))
        {
            var r = doc.RootElement[0];
            Assert.Equal("Tcp", r.GetProperty("Method").GetString());
            Assert.Equal(JsonValueKind.Null, r.GetProperty("IcmpTransport").ValueKind);
            Assert.True(r.GetProperty("BlackHole").GetBoolean());
            Assert.Equal(1400, r.GetProperty("PathMtu").GetInt32());
        }

        var icmp = lab.InClient(noRaw.Concat(new[] { LabAddresses.BlackHoleV4, "--method", "Icmp" }), Limit);
        Assert.Equal(2, icmp.ExitCode);
        Assert.StartsWith("mailflow: RawSocketNotPermitted:", icmp.StandardError.Trim(), StringComparison.Ordinal);
        Assert.Contains("-Method Tcp", icmp.StandardError);
    }

    [LabFact]
    public void A_name_resolves_through_the_lab_resolver_and_every_address_is_probed()
    {
        var r = lab.InClient([.. TestPaths.CliCommand, "Find-MtuBlackHole", "mx-blackhole.lab.test", "--json"], Limit);
        Assert.True(r.ExitCode == 1, r.StandardOutput + r.StandardError);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        var addresses = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("Address").GetString()).ToList();
        Assert.Contains(LabAddresses.BlackHoleV4, addresses);
        Assert.Contains(LabAddresses.BlackHoleV6, addresses);
        Assert.All(doc.RootElement.EnumerateArray(), e => Assert.True(e.GetProperty("BlackHole").GetBoolean()));
    }

    private (int Exit, JsonElement Result, string Raw) Run(string address, params string[] extra)
    {
        List<string> args = [.. TestPaths.CliCommand, "Find-MtuBlackHole", address, "--json", "--timeout-seconds", ProbeTimeoutSeconds.ToString(CultureInfo.InvariantCulture)];
        args.AddRange(extra);
        var r = lab.InClient(args, Limit);
        var raw = "exit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.False(r.TimedOut, raw);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        return (r.ExitCode, doc.RootElement[0].Clone(), raw);
    }

    private static List<string?> Codes(JsonElement r) => r.GetProperty("Findings").EnumerateArray().Select(f => f.GetProperty("Code").GetString()).ToList();

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static double Elapsed(JsonElement r) => r.GetProperty("ElapsedMs").GetDouble();
}
