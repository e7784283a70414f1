using System;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// The native mailflow (MAILFLOW_CLI) against the lab prints what the IL build prints, run after run of the same
/// probe: every verb's --json (and the text form of two), with only the measurements (numbers) and session IDs masked.
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

    public static TheoryData<string, string[]> Cases => new()
    {
        { "EDNS, fragments dropped", new[] { "Test-EdnsReachability", "lab.test", "--server", "198.51.100.54", "--timeout-seconds", "2", "--json" } },
        { "EDNS compliance", new[] { "Test-EdnsReachability", "lab.test", "--server", "198.51.100.53", "--compliance", "--json" } },
        { "PMTU control", new[] { "Find-MtuBlackHole", "198.51.100.28", "--json" } },
        { "PMTU black hole, TCP", new[] { "Find-MtuBlackHole", "198.51.100.27", "--method", "Tcp", "--json" } },
        { "SMTP to RCPT", new[] { "Get-SmtpStageTiming", "198.51.100.25", "--stop-after", "Rcpt", "--json" } },
        { "SMTP to RCPT, text", new[] { "Get-SmtpStageTiming", "198.51.100.25", "--stop-after", "Rcpt" } },
        { "MX path", new[] { "Test-MxPath", "lab.test", "--dns-server", "198.51.100.56", "--json" } },
        { "MX path, text", new[] { "Test-MxPath", "lab.test", "--dns-server", "198.51.100.56" } },
        { "diagnosis", new[] { "Debug-MailFlow", "lab.test", "--dns-server", "198.51.100.56", "--quick", "--json" } },
    };

    [LabTheory]
    [MemberData(nameof(Cases))]
    public void The_native_binary_prints_what_the_IL_build_prints(string what, string[] arguments)
    {
        var (il, native) = CliParity.Run(arguments, Limit, LabFixture.ClientNamespace);
        CliParity.AssertSameButMeasurements(il, native, what);
        Assert.False(string.IsNullOrWhiteSpace(native.StandardOutput), what + ": printed nothing\n" + native.StandardError);
        if (Array.IndexOf(arguments, "--json") >= 0)
        {
            using var doc = JsonDocument.Parse(native.StandardOutput);
            Assert.True(doc.RootElement.GetArrayLength() > 0, what);
            Assert.Equal(JsonValueKind.Array, doc.RootElement[0].GetProperty("Findings").ValueKind);
        }
    }
}
