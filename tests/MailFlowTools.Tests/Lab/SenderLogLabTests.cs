using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Issue #20 end to end: a real Postfix in the client namespace (tests/lab/lab-sender.sh) tries to deliver to the
/// lab's faulty MX hosts; its own mail log, summarised by Resolve-SmtpStatus, names the right cause per
/// destination, and the first suggested command, run as given, finds that cause. Nothing is delivered.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class SenderLogLabTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(150);
    private readonly LabFixture lab;

    public SenderLogLabTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    [LabFact]
    public void The_sending_postfix_log_is_summarised_into_each_fault_and_each_first_command_finds_it()
    {
        var run = lab.Lab(Limit, "sender", "run");
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var log = run.StandardOutput.Trim().Split('\n').Last().Trim();
        Assert.True(File.Exists(log), log);
        NothingDeliveredTo(SenderRecipients);

        var summary = Json(lab.InClient(new[] { "dotnet", TestPaths.CliAssembly, "Resolve-SmtpStatus", "--path", log, "--summary", "--json" }, Limit));
        var groups = summary.GetProperty("Groups").EnumerateArray().ToList();
        JsonElement Group(string destination, string signature) =>
            groups.Single(g => g.GetProperty("Destination").GetString() == destination && g.GetProperty("PathSignature").GetString() == signature);

        var stall = Group("stall.lab.test", "BodyTimeout");
        var blackHole = Group("blackhole.lab.test", "BodyTimeout");
        var silent = Group("failover.lab.test", "GreetingTimeout");
        var refused = Group("refused.lab.test", "ConnectRefused");
        var dead = Group("unreachable.lab.test", "ConnectTimeout");
        Group("failover.lab.test", "RemoteRejected");
        Group("healthy.lab.test", "RemoteRejected");
        Group("masked.lab.test", "RemoteRejected");
        Assert.Equal(0, summary.GetProperty("Sent").GetInt64());

        Assert.Equal("mx-stall.lab.test[198.51.100.29]", stall.GetProperty("Relays")[0].GetString());
        Assert.Equal("silent.lab.test[198.51.100.30]", silent.GetProperty("Relays")[0].GetString());
        Assert.Equal(new[] { 4, 3 }, stall.GetProperty("Incidents").EnumerateArray().Select(i => i.GetInt32()));
        Assert.Equal(new[] { 5 }, silent.GetProperty("Incidents").EnumerateArray().Select(i => i.GetInt32()));

        var expected = new (JsonElement Group, string Command, string Code)[]
        {
            (stall, "mailflow Get-SmtpStageTiming 198.51.100.29 --message-size 100000", "TransferStalled"),
            (blackHole, "mailflow Get-SmtpStageTiming 198.51.100.27 --message-size 100000", "TransferStalled"),
            (silent, "mailflow Test-MxPath failover.lab.test", "NoBannerAfterConnect"),
            (refused, "mailflow Test-MxPath refused.lab.test", "AllHopsFailed"),
            (dead, "mailflow Test-MxPath unreachable.lab.test", "AllHopsFailed"),
        };
        foreach (var (group, command, code) in expected)
        {
            var first = group.GetProperty("NextCommands")[0].GetProperty("CliCommandLine").GetString()!;
            Assert.Equal(command, first);
            var args = first.Split(' ').Skip(1).Append("--json");
            // Get-SmtpStageTiming writes one result per stage: the finding is on the stage that failed.
            var codes = All(lab.InClient(new[] { "dotnet", TestPaths.CliAssembly }.Concat(args), Limit))
                .SelectMany(r => r.GetProperty("Findings").EnumerateArray().Select(f => f.GetProperty("Code").GetString()))
                .ToList();
            Assert.True(codes.Contains(code), $"{first} found {string.Join(", ", codes)}, not {code}");
        }

        NothingDeliveredTo(SenderRecipients);
    }

    [LabFact]
    public void Debug_mail_flow_takes_a_real_log_line_as_its_seed()
    {
        var run = lab.Lab(Limit, "sender", "run");
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var log = run.StandardOutput.Trim().Split('\n').Last().Trim();
        var line = File.ReadAllLines(log).First(l => l.Contains("to=<user@stall.lab.test>", StringComparison.Ordinal) && l.Contains("status=deferred", StringComparison.Ordinal));

        var diagnosis = Json(lab.InClient(new[] { "dotnet", TestPaths.CliAssembly, "Debug-MailFlow", "--ndr-text", line, "--quick", "--json" }, Limit));

        Assert.Equal("stall.lab.test", diagnosis.GetProperty("DomainName").GetString());
        var chain = string.Join("\n", diagnosis.GetProperty("EvidenceChain").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("log line (relay mx-stall.lab.test[198.51.100.29])", chain, StringComparison.Ordinal);
        Assert.Contains(diagnosis.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Finding").GetProperty("Code").GetString() == "LogBodyTimeout");
    }

    // The lab is shared, so the global delivery count can move; none of the sender's recipients may appear in it.
    private static readonly string[] SenderRecipients =
    {
        "user@stall.lab.test", "user@blackhole.lab.test", "unknown@failover.lab.test", "user@refused.lab.test",
        "user@unreachable.lab.test", "unknown@healthy.lab.test", "unknown@masked.lab.test",
    };

    private void NothingDeliveredTo(IEnumerable<string> recipients)
    {
        var deliveries = lab.Lab(Limit, "deliveries");
        Assert.Equal(0, deliveries.ExitCode);
        foreach (var recipient in recipients)
        {
            Assert.DoesNotContain(recipient, deliveries.StandardOutput, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static List<JsonElement> All(ProcessResult run)
    {
        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.StandardError}");
        using var doc = JsonDocument.Parse(run.StandardOutput);
        var root = doc.RootElement.Clone();
        return root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : new List<JsonElement> { root };
    }

    private static JsonElement Json(ProcessResult run)
    {
        Assert.True(run.ExitCode is 0 or 1, $"exit {run.ExitCode}: {run.StandardError}");
        using var doc = JsonDocument.Parse(run.StandardOutput);
        var root = doc.RootElement.Clone();
        return root.ValueKind == JsonValueKind.Array ? root[0] : root;
    }
}
