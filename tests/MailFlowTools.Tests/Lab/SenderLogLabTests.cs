using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Issue #20 end to end: a real Postfix and a real Exim in the client namespace (tests/lab/lab-sender.sh,
/// lab-sender-exim.sh) try to deliver to the lab's faulty MX hosts; each one's own mail log, summarised by
/// Resolve-SmtpStatus, names the right cause per destination, and the suggested command, run as given, finds that
/// cause. Nothing is delivered.
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
    public void The_sending_postfix_log_is_summarised_into_each_fault_and_each_command_finds_it()
    {
        var log = Run("sender");
        NothingDeliveredTo(SenderRecipients);

        var summary = Summary(log);
        var group = Groups(summary);
        var stall = group("stall.lab.test", "BodyTimeout");
        var blackHole = group("blackhole.lab.test", "BodyTimeout");
        var silent = group("failover.lab.test", "GreetingTimeout");
        var refused = group("refused.lab.test", "ConnectRefused");
        var dead = group("unreachable.lab.test", "ConnectTimeout");
        var dns = group("servfail.lab.test", "DnsTempFail");
        var sizeLoss = group("sizeloss.lab.test", "SessionLost");
        var endOfData = group("eod.masked.lab.test", "EndOfDataLost");
        group("failover.lab.test", "RemoteRejected");
        group("healthy.lab.test", "RemoteRejected");
        group("masked.lab.test", "RemoteRejected");
        Assert.Equal(0, summary.GetProperty("Sent").GetInt64());

        Assert.Equal("mx-stall.lab.test[198.51.100.29]", stall.GetProperty("Relays")[0].GetString());
        Assert.Equal("silent.lab.test[198.51.100.30]", silent.GetProperty("Relays")[0].GetString());
        Assert.Equal("mx-sizeloss.lab.test[198.51.100.26]", sizeLoss.GetProperty("Relays")[0].GetString());
        Assert.Equal("fixup.lab.test[198.51.100.31]", endOfData.GetProperty("Relays")[0].GetString());
        Assert.Equal(new[] { 4, 3 }, stall.GetProperty("Incidents").EnumerateArray().Select(i => i.GetInt32()));
        Assert.Equal(new[] { 5 }, silent.GetProperty("Incidents").EnumerateArray().Select(i => i.GetInt32()));

        EachCommandFindsItsCause(new (JsonElement, int, string, string)[]
        {
            (stall, 0, "mailflow Get-SmtpStageTiming 198.51.100.29 --message-size 100000", "TransferStalled"),
            (blackHole, 0, "mailflow Get-SmtpStageTiming 198.51.100.27 --message-size 100000", "TransferStalled"),
            (silent, 0, "mailflow Test-MxPath failover.lab.test", "NoBannerAfterConnect"),
            (refused, 0, "mailflow Test-MxPath refused.lab.test", "AllHopsFailed"),
            (dead, 0, "mailflow Test-MxPath unreachable.lab.test", "AllHopsFailed"),
            // The resolver's SERVFAIL leaves Test-EdnsReachability no servers to ask; Test-MxPath shows the failed lookup.
            (dns, 1, "mailflow Test-MxPath servfail.lab.test", "DnsLookupFailed"),
            // The pipelined MAIL FROM, RCPT TO and DATA were one 513-byte segment: the sweep finds the lost size.
            (sizeLoss, 1, "mailflow Find-MtuBlackHole 198.51.100.26 --method Sweep", "SizeSpecificLoss"),
            // The box that lost the end of data shares its address with the fixup box on port 25, which masks the greeting.
            (endOfData, 0, "mailflow Get-SmtpStageTiming 198.51.100.31 --message-size 100000", "BannerMasked"),
        });

        NothingDeliveredTo(SenderRecipients);
    }

    [LabFact]
    public void The_sending_exim_log_is_summarised_into_each_fault_and_each_command_finds_it()
    {
        var log = Run("sender-exim");
        NothingDeliveredTo(EximRecipients);

        var summary = Summary(log);
        var group = Groups(summary);
        var stall = group("stall.lab.test", "BodyTimeout");
        var blackHole = group("blackhole.lab.test", "BodyTimeout");
        var silent = group("failover.lab.test", "GreetingTimeout");
        var refused = group("refused.lab.test", "ConnectRefused");
        // Exim connects with TCP Fast Open by default: a host that never answers reads as a missing greeting.
        var dead = group("unreachable.lab.test", "GreetingTimeout");
        var dns = group("servfail.lab.test", "DnsTempFail");
        var endOfData = group("eod.masked.lab.test", "EndOfDataLost");
        group("failover.lab.test", "RemoteRejected");
        group("healthy.lab.test", "RemoteRejected");
        group("masked.lab.test", "RemoteRejected");
        Assert.Equal(0, summary.GetProperty("Sent").GetInt64());
        Assert.True(summary.GetProperty("HostFailures").GetInt64() >= 5, summary.ToString());

        // Exim names the host on a separate line; the summary joins it to the recipient's destination.
        Assert.Equal("mx-stall.lab.test[198.51.100.29]", stall.GetProperty("Relays")[0].GetString());
        Assert.Equal("mx-blackhole.lab.test[198.51.100.27]", blackHole.GetProperty("Relays")[0].GetString());
        Assert.Equal("silent.lab.test[198.51.100.30]", silent.GetProperty("Relays")[0].GetString());
        Assert.Equal("mx-dead.lab.test[198.51.100.33]", dead.GetProperty("Relays")[0].GetString());

        EachCommandFindsItsCause(new (JsonElement, int, string, string)[]
        {
            (stall, 0, "mailflow Get-SmtpStageTiming 198.51.100.29 --message-size 100000", "TransferStalled"),
            (blackHole, 0, "mailflow Get-SmtpStageTiming 198.51.100.27 --message-size 100000", "TransferStalled"),
            (silent, 0, "mailflow Test-MxPath failover.lab.test", "NoBannerAfterConnect"),
            (refused, 0, "mailflow Test-MxPath refused.lab.test", "AllHopsFailed"),
            (dead, 0, "mailflow Test-MxPath unreachable.lab.test", "AllHopsFailed"),
            (dns, 1, "mailflow Test-MxPath servfail.lab.test", "DnsLookupFailed"),
            // The box that lost the end of data shares its address with the fixup box on port 25, which masks the greeting.
            (endOfData, 0, "mailflow Get-SmtpStageTiming 198.51.100.31 --message-size 100000", "BannerMasked"),
        });

        NothingDeliveredTo(EximRecipients);
    }

    /// <summary>Runs one sender (lab.sh SENDER run) and returns the path of the log it wrote.</summary>
    private string Run(string sender)
    {
        var run = lab.Lab(Limit, sender, "run");
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var log = run.StandardOutput.Trim().Split('\n').Last().Trim();
        Assert.True(File.Exists(log), log);
        return log;
    }

    private JsonElement Summary(string log) =>
        Json(lab.InClient(new[] { "dotnet", TestPaths.CliAssembly, "Resolve-SmtpStatus", "--path", log, "--summary", "--json" }, Limit));

    private static Func<string, string, JsonElement> Groups(JsonElement summary)
    {
        var groups = summary.GetProperty("Groups").EnumerateArray().ToList();
        return (destination, signature) =>
            groups.Single(g => g.GetProperty("Destination").GetString() == destination && g.GetProperty("PathSignature").GetString() == signature);
    }

    /// <summary>The group's suggested command at the index is the one given, and run as given it finds the code.</summary>
    private void EachCommandFindsItsCause(IEnumerable<(JsonElement Group, int Index, string Command, string Code)> expected)
    {
        foreach (var (group, index, command, code) in expected)
        {
            var line = group.GetProperty("NextCommands")[index].GetProperty("CliCommandLine").GetString()!;
            Assert.Equal(command, line);
            var args = line.Split(' ').Skip(1).Append("--json");
            // Get-SmtpStageTiming writes one result per stage: the finding is on the stage that failed.
            var codes = All(lab.InClient(new[] { "dotnet", TestPaths.CliAssembly }.Concat(args), Limit))
                .SelectMany(r => r.GetProperty("Findings").EnumerateArray().Select(f => f.GetProperty("Code").GetString()))
                .ToList();
            Assert.True(codes.Contains(code), $"{line} found {string.Join(", ", codes)}, not {code}");
        }
    }

    [LabFact]
    public void Debug_mail_flow_takes_a_real_log_line_as_its_seed()
    {
        var log = Run("sender");
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
        "user@unreachable.lab.test", "unknown@healthy.lab.test", "unknown@masked.lab.test", "unknown@servfail.lab.test",
        "user@eod.masked.lab.test", "unknown@sizeloss.lab.test", "sizeloss-p",
    };

    private static readonly string[] EximRecipients = SenderRecipients.Take(9).ToArray();

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
