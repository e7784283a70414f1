using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Logs;

/// <summary>
/// Free text is never split, and whole logs are read line by line: the CLI's arguments, --path and standard
/// input, and the processor the cmdlet shares (summary, time window, skipped lines, over-long lines).
/// </summary>
public sealed class MailLogStreamTests
{
    private const string LastError = "451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped due to SocketError.\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 203.0.113.29:25";
    private const string OnlineError = "451 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mx.closed.example] [LastAttemptedIP=203.0.113.32:25]";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Reference = new(2026, 12, 6, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_LastError_with_commas_is_one_result_in_the_cli()
    {
        var run = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", LastError, "--json" }, Limit);

        Assert.NotEqual(2, run.ExitCode);
        Assert.DoesNotContain(ErrorIds.NoStatusInInput, run.StandardError, StringComparison.Ordinal);
        var results = Results(run.StandardOutput);
        var result = Assert.Single(results);
        Assert.Equal("SessionLost", result.GetProperty("PathSignature").GetString());
        Assert.Equal("203.0.113.29", result.GetProperty("RelayAddress").GetString());
    }

    [Fact]
    public void Repeating_text_gives_one_result_per_item_with_its_commas_intact()
    {
        var run = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--text", LastError, "--text", OnlineError, "--json" }, Limit);

        Assert.NotEqual(2, run.ExitCode);
        var results = Results(run.StandardOutput);
        Assert.Equal(new[] { "Exchange", "ExchangeOnline" }, results.Select(r => r.GetProperty("Mta").GetString()));
        Assert.Equal(new[] { "203.0.113.29", "203.0.113.32" }, results.Select(r => r.GetProperty("RelayAddress").GetString()));
    }

    [Fact]
    public void A_two_line_mail_log_on_standard_input_gives_two_results()
    {
        var lines = File.ReadAllLines(TestPaths.InRepo("tests", "Fixtures", "logs", "postfix.log"));
        var run = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--json" }, Limit, standardInput: lines[3] + "\n" + lines[4] + "\n");

        Assert.NotEqual(2, run.ExitCode);
        var results = Results(run.StandardOutput);
        Assert.Equal(new[] { "EndOfDataLost", "BodyTimeout" }, results.Select(r => r.GetProperty("PathSignature").GetString()));
    }

    [Fact]
    public void Statuses_one_per_line_on_standard_input_are_separate_items()
    {
        var run = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--json" }, Limit, standardInput: LastError + "\n4.4.7\n");

        var results = Results(run.StandardOutput);
        Assert.Equal(new[] { "4.4.0", "4.4.7" }, results.Select(r => r.GetProperty("EnhancedStatus").GetString()));
    }

    [Fact]
    public void A_summary_of_a_path_groups_by_destination_and_signature_through_the_cli()
    {
        var run = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--path", TestPaths.InRepo("tests", "Fixtures", "logs", "postfix.log"), "--summary", "--json" }, Limit);

        var summary = Assert.Single(Results(run.StandardOutput));
        Assert.Equal(17, summary.GetProperty("LinesRead").GetInt64());
        Assert.Equal(3, summary.GetProperty("SkippedLines").GetInt64());
        var groups = summary.GetProperty("Groups").EnumerateArray().ToList();
        var fixup = groups.Single(g => g.GetProperty("Destination").GetString() == "example.test");
        Assert.Equal("EndOfDataLost", fixup.GetProperty("PathSignature").GetString());
        Assert.Equal(2, fixup.GetProperty("Count").GetInt64());
        Assert.Equal(new[] { "bob@example.test", "liam@example.test" }, fixup.GetProperty("Recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Get-SmtpStageTiming 203.0.113.5 -MessageSize 100000", fixup.GetProperty("NextCommands")[0].GetProperty("CommandLine").GetString());
        Assert.Equal("mailflow Find-MtuBlackHole 203.0.113.5 --method Sweep", fixup.GetProperty("NextCommands")[1].GetProperty("CliCommandLine").GetString());

        // The host failure logged before its recipient line joins that recipient's domain.
        var quiet = groups.Single(g => g.GetProperty("Destination").GetString() == "quiet.example");
        Assert.Equal(2, quiet.GetProperty("Count").GetInt64());
        Assert.Equal(1, quiet.GetProperty("HostFailures").GetInt64());
    }

    [Fact]
    public async Task Since_and_until_select_a_window_of_syslog_and_rfc3339_lines()
    {
        var options = MailLogOptions.FromParameters(true, "Dec  6 09:24:00", "2026-12-06T09:30:00Z", Reference);
        var processor = new MailLogProcessor(options, _ => throw new InvalidOperationException("a summary emits nothing per line"), e => throw e);
        using (var reader = File.OpenText(TestPaths.InRepo("tests", "Fixtures", "logs", "postfix.log")))
        {
            await processor.ReadAsync(reader, CancellationToken.None);
        }

        var summary = processor.Complete("postfix.log")!;
        Assert.Equal(7, summary.OutsideWindow);
        Assert.Equal(new[] { "closed.example", "dnssec.example", "down.example", "quiet.example", "stall.example", "tls.example" }, summary.Groups.Select(g => g.Destination).OrderBy(d => d, StringComparer.Ordinal));
    }

    [Fact]
    public void An_until_before_since_is_an_invalid_invocation()
    {
        var ex = Assert.Throws<MailFlowException>(() => MailLogOptions.FromParameters(false, "2026-12-06T10:00:00Z", "2026-12-06T09:00:00Z", Reference));
        Assert.True(ex.IsInvalidInvocation);
        Assert.Throws<MailFlowException>(() => MailLogOptions.FromParameters(false, "yesterday-ish", null, Reference));
    }

    [Fact]
    public async Task Non_delivery_lines_and_over_long_lines_are_skipped_and_counted()
    {
        var log = string.Join("\n", new[]
        {
            "Dec  6 09:14:02 mail postfix/smtpd[2211]: connect from client.example.org[192.0.2.44]",
            "some text that is no status at all",
            "Dec  6 09:14:03 mail postfix/smtpd[2211]: " + new string('x', MailLogOptions.MaxLineLength * 3),
            File.ReadAllLines(TestPaths.InRepo("tests", "Fixtures", "logs", "postfix.log"))[4],
        });
        var results = new List<SmtpStatusResult>();
        var errors = new List<MailFlowException>();
        var processor = new MailLogProcessor(MailLogOptions.FromParameters(false, null, null, Reference), results.Add, errors.Add);
        await processor.ReadAsync(new StringReader(log), CancellationToken.None);

        Assert.Equal(PathSignature.BodyTimeout, Assert.Single(results).PathSignature);
        Assert.Empty(errors);
        Assert.Equal(4, processor.LinesRead);
        Assert.Equal(3, processor.SkippedLines);
        Assert.Equal(1, processor.TruncatedLines);
    }

    [Fact]
    public async Task An_ndr_on_standard_input_stays_one_text()
    {
        var results = new List<SmtpStatusResult>();
        var processor = new MailLogProcessor(MailLogOptions.FromParameters(false, null, null, Reference), results.Add, e => throw e);
        await processor.ReadAsync(new StringReader(File.ReadAllText(TestPaths.InRepo("samples", "ndr-incident1.txt"))), CancellationToken.None);

        Assert.Equal("4.4.7", Assert.Single(results).EnhancedStatus);
    }

    [Fact]
    public async Task A_summary_keeps_its_memory_bounded_however_many_destinations()
    {
        var lines = Enumerable.Range(0, MailLogSummarizer.MaxGroups + 500).Select(i =>
            $"Dec  6 09:24:10 mail postfix/smtp[2240]: 5C1F2D{i:X4}: to=<u{i}@d{i}.example>, relay=mx.d{i}.example[203.0.113.29]:25, delay=305, delays=0.1/0/0.4/305, dsn=4.4.2, status=deferred (conversation with mx.d{i}.example[203.0.113.29] timed out while sending message body)");
        var processor = new MailLogProcessor(MailLogOptions.FromParameters(true, null, null, Reference), _ => { }, e => throw e);
        await processor.ReadAsync(new StringReader(string.Join("\n", lines)), CancellationToken.None);

        var summary = processor.Complete("generated")!;
        Assert.Equal(MailLogSummarizer.MaxGroups, summary.Groups.Count);
        Assert.Equal(500, summary.UngroupedLines);
        Assert.Equal(MailLogSummarizer.MaxGroups + 500, summary.Deferred);
    }

    private static List<JsonElement> Results(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement.Clone();
        return root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : new List<JsonElement> { root };
    }
}
