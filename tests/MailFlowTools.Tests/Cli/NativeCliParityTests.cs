using System;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// The native mailflow (MAILFLOW_CLI) prints the same bytes as the IL build for offline commands: results in both
/// forms, help, and every kind of usage error. The JSON goes through one source-generated context in both builds,
/// and the text form reads the same metadata, so a type missing from it shows here.
/// </summary>
public sealed class NativeCliParityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string[], string?> Cases => new()
    {
        { "status json", new[] { "Resolve-SmtpStatus", "550 5.1.1 <a@lab.test>: Recipient address rejected: User unknown", "--json" }, null },
        { "status text", new[] { "Resolve-SmtpStatus", "451 4.7.1 Greylisted, try again later" }, null },
        { "several statuses", new[] { "Resolve-SmtpStatus", "4.4.7,552 5.3.4 Message size exceeds fixed limit,421 4.4.2 timeout", "--json" }, null },
        { "NDR file", new[] { "Resolve-SmtpStatus", "--path", TestPaths.InRepo("samples", "ndr-incident1.txt"), "--json" }, null },
        { "NDR file text", new[] { "Resolve-SmtpStatus", "--path", TestPaths.InRepo("samples", "ndr-incident1.txt") }, null },
        { "NDR on standard input", new[] { "Resolve-SmtpStatus", "--json" }, "Final-Recipient: rfc822; a@lab.test\nAction: failed\nStatus: 5.4.4\nDiagnostic-Code: smtp; 554 5.4.4 no route\n" },
        { "overview help", new[] { "--help" }, null },
        { "verb help", new[] { "Get-SmtpStageTiming", "--help" }, null },
        { "version", new[] { "--version" }, null },
        { "unknown command", new[] { "Get-Nothing" }, null },
        { "unknown parameter", new[] { "Test-MxPath", "lab.test", "--no-such-thing" }, null },
        { "bad number", new[] { "Find-MtuBlackHole", "192.0.2.1", "--max-size", "big" }, null },
        { "bad enum", new[] { "Find-MtuBlackHole", "192.0.2.1", "--method", "Carrier-Pigeon" }, null },
        { "out of range", new[] { "Test-EdnsReachability", "lab.test", "--buffer-size", "99999999999" }, null },
        { "invalid name", new[] { "Test-MxPath", "exa mple..test", "--json" }, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_native_binary_prints_the_same_bytes_as_the_IL_build(string what, string[] arguments, string? standardInput)
    {
        var (il, native) = CliParity.Run(arguments, Limit, standardInput: standardInput);
        CliParity.AssertIdentical(il, native, what);
        Assert.True(il.StandardOutput.Length + il.StandardError.Length > 0, what + ": printed nothing");
    }

    [Fact]
    public void Native_json_carries_results_findings_and_evidence()
    {
        var (il, native) = CliParity.Run(new[] { "Resolve-SmtpStatus", "--path", TestPaths.InRepo("samples", "ndr-incident1.txt"), "--json" }, Limit);
        CliParity.AssertIdentical(il, native, "NDR file");
        using var doc = JsonDocument.Parse(native.StandardOutput);
        var first = doc.RootElement[0];
        Assert.Equal(JsonValueKind.String, first.GetProperty("EnhancedStatus").ValueKind);
        Assert.Equal(JsonValueKind.Array, first.GetProperty("Findings").ValueKind);
        Assert.Contains("\"Severity\": \"", native.StandardOutput, StringComparison.Ordinal);
    }
}
