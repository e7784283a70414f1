using System;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// The native mailflow (MAILFLOW_CLI) against the lab prints what the IL build prints, run after run of the same
/// probe: every verb's --json (and the text form of two), with only the measurements (numbers) and session IDs masked,
/// and the PMTU control's probe list left out (a round that ends once the too-big told the answer records only the
/// probes answered by then).
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class NativeCliLabParityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly LabFixture lab;

    public NativeCliLabParityTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    private static readonly string[] None = Array.Empty<string>();

    private static void FlushRouteCache()
    {
        var r = ProcessRunner.Run("ip", new[] { "netns", "exec", LabFixture.ClientNamespace, "ip", "route", "flush", "cache" }, TimeSpan.FromSeconds(10));
        Assert.True(r.ExitCode == 0, "ip route flush cache: " + r.StandardError);
    }

    public static TheoryData<string, string[], string[]> Cases => new()
    {
        { "EDNS, fragments dropped", new[] { "Test-EdnsReachability", "lab.test", "--server", "198.51.100.54", "--timeout-seconds", "2", "--json" }, None },
        { "EDNS compliance", new[] { "Test-EdnsReachability", "lab.test", "--server", "198.51.100.53", "--compliance", "--json" }, None },
        { "PMTU control", new[] { "Find-MtuBlackHole", "198.51.100.28", "--json" }, new[] { "Probes" } },
        { "PMTU black hole, TCP", new[] { "Find-MtuBlackHole", "198.51.100.27", "--method", "Tcp", "--json" }, None },
        { "SMTP to RCPT", new[] { "Get-SmtpStageTiming", "198.51.100.25", "--stop-after", "Rcpt", "--json" }, None },
        { "SMTP to RCPT, text", new[] { "Get-SmtpStageTiming", "198.51.100.25", "--stop-after", "Rcpt" }, None },
        { "MX path", new[] { "Test-MxPath", "lab.test", "--dns-server", "198.51.100.56", "--json" }, None },
        { "MX path, text", new[] { "Test-MxPath", "lab.test", "--dns-server", "198.51.100.56" }, None },
        { "diagnosis", new[] { "Debug-MailFlow", "lab.test", "--dns-server", "198.51.100.56", "--quick", "--json" }, None },
    };

    [LabTheory]
    [MemberData(nameof(Cases))]
    public void The_native_binary_prints_what_the_IL_build_prints(string what, string[] arguments, string[] timingDependent)
    {
        // The first run's ICMP too-big leaves a cached route PMTU in the client's kernel: flushed before each run.
        var (il, native) = CliParity.Run(arguments, Limit, LabFixture.ClientNamespace, beforeEach: FlushRouteCache);
        CliParity.AssertSameButMeasurements(il, native, what, timingDependent);
        Assert.False(string.IsNullOrWhiteSpace(native.StandardOutput), what + ": printed nothing\n" + native.StandardError);
        if (Array.IndexOf(arguments, "--json") >= 0)
        {
            using var doc = JsonDocument.Parse(native.StandardOutput);
            Assert.True(doc.RootElement.GetArrayLength() > 0, what);
            Assert.Equal(JsonValueKind.Array, doc.RootElement[0].GetProperty("Findings").ValueKind);
        }
    }
}
