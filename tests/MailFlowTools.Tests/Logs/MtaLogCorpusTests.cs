using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Logs;

/// <summary>
/// The corpus in tests/Fixtures/logs, written from each MTA's documented log format, explained line by line:
/// which MTA, where on the path, which seed incident, and the exact next commands with the host from the line.
/// </summary>
public sealed class MtaLogCorpusTests
{
    private static readonly DateTimeOffset Reference = new(2026, 12, 6, 16, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, int, string, string, string, string> Lines => new()
    {
        // file, line (1-based), MTA, signature, incidents, commands (" | " between them)
        { "postfix.log", 4, "Postfix", "EndOfDataLost", "3", "Get-SmtpStageTiming 203.0.113.5 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.5 -Method Sweep | Test-MxPath example.test" },
        { "postfix.log", 5, "Postfix", "BodyTimeout", "4,3", "Get-SmtpStageTiming 203.0.113.29 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.29 -Method Sweep | Test-MxPath stall.example" },
        { "postfix.log", 6, "Postfix", "GreetingTimeout", "5", "Get-SmtpStageTiming 203.0.113.30 -StopAfter Ehlo" },
        { "postfix.log", 7, "Postfix", "GreetingTimeout", "5", "Test-MxPath quiet.example | Get-SmtpStageTiming 203.0.113.30 -StopAfter Ehlo" },
        { "postfix.log", 8, "Postfix", "DnsTempFail", "1", "Test-EdnsReachability dnssec.example | Test-MxPath dnssec.example" },
        { "postfix.log", 9, "Postfix", "TlsNotOffered", "", "Get-SmtpStageTiming 203.0.113.40 -StopAfter StartTls | Test-MxPath tls.example" },
        { "postfix.log", 10, "Postfix", "ConnectTimeout", "", "Test-MxPath down.example | Get-SmtpStageTiming 203.0.113.33 -StopAfter Ehlo" },
        { "postfix.log", 11, "Postfix", "ConnectRefused", "", "Test-MxPath closed.example | Get-SmtpStageTiming 203.0.113.32 -StopAfter Ehlo" },
        { "postfix.log", 12, "Postfix", "RemoteRejected", "", "Test-MxPath example.net" },
        { "postfix.log", 13, "Postfix", "RemoteDeferred", "", "Test-MxPath grey.example" },
        { "postfix.log", 16, "Postfix", "BodyConnectionLost", "4,3", "Get-SmtpStageTiming 203.0.113.27 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.27 -Method Sweep | Test-MxPath blackhole.example" },
        { "postfix.log", 17, "Postfix", "EndOfDataLost", "3", "Get-SmtpStageTiming 203.0.113.5 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.5 -Method Sweep | Test-MxPath example.test" },
        { "exim-mainlog", 2, "Exim", "BodyTimeout", "4,3", "Get-SmtpStageTiming 203.0.113.29 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.29 -Method Sweep | Test-MxPath stall.example" },
        { "exim-mainlog", 3, "Exim", "GreetingTimeout", "5", "Test-MxPath quiet.example | Get-SmtpStageTiming 203.0.113.30 -StopAfter Ehlo" },
        { "exim-mainlog", 4, "Exim", "DnsTempFail", "1", "Test-EdnsReachability dnssec.example | Test-MxPath dnssec.example" },
        { "exim-mainlog", 5, "Exim", "RemoteRejected", "", "Test-MxPath example.net" },
        { "exim-mainlog", 7, "Exim", "ConnectTimeout", "", "Test-MxPath down.example | Get-SmtpStageTiming 203.0.113.33 -StopAfter Ehlo" },
        { "exim-mainlog", 8, "Exim", "TlsNotOffered", "", "Get-SmtpStageTiming 203.0.113.40 -StopAfter StartTls | Test-MxPath tls.example" },
        { "exim-mainlog", 9, "Exim", "EndOfDataLost", "3", "Get-SmtpStageTiming 203.0.113.5 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.5 -Method Sweep | Test-MxPath example.test" },
        // Real logs of the lab's sending Exim and Postfix (tests/lab/lab-sender-exim.sh, lab-sender.sh) against its faults.
        { "exim-lab-sender-mainlog", 9, "Exim", "ConnectRefused", "", "Get-SmtpStageTiming 198.51.100.32 -StopAfter Ehlo" },
        { "exim-lab-sender-mainlog", 10, "Exim", "ConnectRefused", "", "Test-MxPath refused.lab.test" },
        { "exim-lab-sender-mainlog", 15, "Exim", "RemoteRejected", "", "Test-MxPath healthy.lab.test" },
        { "exim-lab-sender-mainlog", 25, "Exim", "DnsTempFail", "1", "Test-EdnsReachability servfail.lab.test | Test-MxPath servfail.lab.test" },
        // The second fixup box (port 2526) closes at the final dot; the command probes the box on port 25 (BannerMasked).
        { "exim-lab-sender-mainlog", 28, "Exim", "EndOfDataLost", "3", "Get-SmtpStageTiming 198.51.100.31 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.31 -Method Sweep" },
        { "exim-lab-sender-mainlog", 29, "Exim", "EndOfDataLost", "3", "Get-SmtpStageTiming 198.51.100.31 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.31 -Method Sweep | Test-MxPath eod.masked.lab.test" },
        { "exim-lab-sender-mainlog", 30, "Exim", "GreetingTimeout", "5", "Get-SmtpStageTiming 198.51.100.30 -StopAfter Ehlo" },
        // With TCP Fast Open (Exim's default) a connect that is never answered also reads "SMTP timeout after initial connection".
        { "exim-lab-sender-mainlog", 35, "Exim", "GreetingTimeout", "5", "Test-MxPath unreachable.lab.test | Get-SmtpStageTiming 198.51.100.33 -StopAfter Ehlo" },
        { "exim-lab-sender-mainlog", 36, "Exim", "BodyTimeout", "4,3", "Get-SmtpStageTiming 198.51.100.29 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.29 -Method Sweep" },
        { "exim-lab-sender-mainlog", 37, "Exim", "BodyTimeout", "4,3", "Get-SmtpStageTiming 198.51.100.29 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.29 -Method Sweep | Test-MxPath stall.lab.test" },
        { "exim-lab-sender-mainlog", 38, "Exim", "BodyTimeout", "4,3", "Get-SmtpStageTiming 198.51.100.27 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.27 -Method Sweep" },
        { "postfix-lab-sender.log", 32, "Postfix", "DnsTempFail", "1", "Test-EdnsReachability servfail.lab.test | Test-MxPath servfail.lab.test" },
        { "postfix-lab-sender.log", 37, "Postfix", "EndOfDataLost", "3", "Get-SmtpStageTiming 198.51.100.31 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.31 -Method Sweep | Test-MxPath eod.masked.lab.test" },
        { "postfix-lab-sender.log", 43, "Postfix", "GreetingTimeout", "5", "Get-SmtpStageTiming 198.51.100.30 -StopAfter Ehlo" },
        { "postfix-lab-sender.log", 46, "Postfix", "SessionLost", "", "Get-SmtpStageTiming 198.51.100.26 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.26 -Method Sweep | Test-MxPath sizeloss.lab.test" },
        { "postfix-lab-sender.log", 48, "Postfix", "BodyTimeout", "4,3", "Get-SmtpStageTiming 198.51.100.27 -MessageSize 100000 | Find-MtuBlackHole 198.51.100.27 -Method Sweep | Test-MxPath blackhole.lab.test" },
        { "sendmail.log", 2, "Sendmail", "ConnectTimeout", "", "Test-MxPath down.example | Get-SmtpStageTiming 203.0.113.33 -StopAfter Ehlo" },
        { "sendmail.log", 3, "Sendmail", "ConnectRefused", "", "Test-MxPath closed.example | Get-SmtpStageTiming mx.closed.example -StopAfter Ehlo" },
        { "sendmail.log", 4, "Sendmail", "DnsTempFail", "1", "Test-EdnsReachability dnssec.example | Test-MxPath dnssec.example" },
        { "sendmail.log", 5, "Sendmail", "BodyTimeout", "4,3", "Get-SmtpStageTiming 203.0.113.29 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.29 -Method Sweep | Test-MxPath stall.example" },
        { "sendmail.log", 6, "Sendmail", "RemoteDeferred", "", "Test-MxPath grey.example" },
        { "exchange-lasterror.txt", 1, "Exchange", "SessionLost", "", "Get-SmtpStageTiming 203.0.113.29 -MessageSize 100000 | Find-MtuBlackHole 203.0.113.29 -Method Sweep" },
        { "exchange-lasterror.txt", 3, "Exchange", "ConnectTimeout", "", "Get-SmtpStageTiming 203.0.113.33 -StopAfter Ehlo" },
        { "exchange-lasterror.txt", 4, "Exchange", "DnsTempFail", "1", "" },
        { "exchange-online.txt", 1, "ExchangeOnline", "ConnectRefused", "", "Get-SmtpStageTiming 203.0.113.32 -StopAfter Ehlo" },
        { "exchange-online.txt", 2, "ExchangeOnline", "TlsFailed", "", "Get-SmtpStageTiming 203.0.113.40 -StopAfter StartTls" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Each_line_gets_its_path_signature_incident_and_commands(string file, int line, string mta, string signature, string incidents, string commands)
    {
        var text = File.ReadAllLines(TestPaths.InRepo("tests", "Fixtures", "logs", file))[line - 1];
        var result = SmtpStatusResolver.Resolve(text, Reference);

        Assert.Equal(mta, result.Mta.ToString());
        Assert.Equal(signature, result.PathSignature.ToString());
        Assert.Equal(incidents, string.Join(",", result.Incidents));
        Assert.Equal(commands, string.Join(" | ", result.NextCommands.Select(c => c.CommandLine)));
        if (result.NextCommands.Count > 0)
        {
            Assert.Equal(result.NextCommands.Select(c => c.CommandLine), result.SuggestedCommands);
        }
        if (PathSignatureCatalog.Code((PathSignature)Enum.Parse(typeof(PathSignature), signature)) is { } code)
        {
            var finding = Assert.Single(result.Findings, f => f.Code == code);
            Assert.Equal(PathSignatureCatalog.Meaning(result.PathSignature), finding.Message);
        }
    }

    [Fact]
    public void Postfix_keeps_the_remote_reply_apart_from_its_own_words()
    {
        var text = File.ReadAllLines(TestPaths.InRepo("tests", "Fixtures", "logs", "postfix.log"))[11];
        var result = SmtpStatusResolver.Resolve(text, Reference);

        Assert.Equal("550 5.1.1 <unknown@example.net>: Recipient address rejected: User unknown in local recipient table", result.RemoteReply);
        Assert.StartsWith("host mx.example.net[198.51.100.7] said: ", result.LogEntry!.Reason, StringComparison.Ordinal);
        Assert.Equal(550, result.ReplyCode);
        Assert.Equal("5.1.1", result.EnhancedStatus);
        Assert.Equal("mx.example.net", result.RelayHost);
        Assert.Equal("198.51.100.7", result.RelayAddress);
        Assert.Equal(25, result.LogEntry.RelayPort);
        Assert.Equal("unknown@example.net", result.FinalRecipient);
        Assert.True(result.IsPermanent);
        Assert.False(result.PointsAtNetworkPath);
    }

    [Fact]
    public void A_remote_reply_that_says_connection_timed_out_is_not_a_failed_connect()
    {
        const string line = "Dec  6 09:30:15 mail postfix/smtp[2246]: BC7F8D0789: to=<x@example.net>, relay=mx.example.net[198.51.100.7]:25, delay=0.9, delays=0.1/0/0.4/0.4, dsn=4.4.2, status=deferred (host mx.example.net[198.51.100.7] said: 421 4.4.2 Connection timed out, try later (in reply to MAIL FROM command))";
        var result = SmtpStatusResolver.Resolve(line, Reference);

        Assert.Equal(PathSignature.RemoteDeferred, result.PathSignature);
        Assert.Equal("421 4.4.2 Connection timed out, try later", result.RemoteReply);
    }

    [Fact]
    public void A_bare_phrase_without_a_code_gets_the_status_its_mta_gives_it()
    {
        var result = SmtpStatusResolver.Resolve("conversation with mx.example.test[203.0.113.30] timed out while receiving the initial server greeting", Reference);

        Assert.Equal("4.4.2", result.EnhancedStatus);
        Assert.True(result.StatusInferred);
        Assert.Equal(PathSignature.GreetingTimeout, result.PathSignature);
        Assert.Equal("Get-SmtpStageTiming 203.0.113.30 -StopAfter Ehlo", Assert.Single(result.NextCommands).CommandLine);
    }

    [Fact]
    public void Queue_listings_give_one_entry_per_recipient_with_its_own_reason()
    {
        var reader = new MtaLogReader(Reference);
        var entries = new System.Collections.Generic.List<MtaLogEntry>();
        foreach (var file in new[] { "postqueue.json", "mailq.txt", "exim-bp.txt" })
        {
            foreach (var line in File.ReadAllLines(TestPaths.InRepo("tests", "Fixtures", "logs", file)))
            {
                reader.Read(line, entries);
            }
        }

        Assert.Equal(
            new[] { "bob@example.test", "carol@stall.example", "dave@example.org", "dave@quiet.example", "erin@dnssec.example", "bob@stall.example", "dave@quiet.example" },
            entries.Select(e => e.Recipient));
        Assert.All(entries, e => Assert.Equal(DeliveryDisposition.Queued, e.Disposition));
        Assert.Equal("203.0.113.29", entries[1].RelayAddress);
        Assert.Equal(PathSignature.BodyTimeout, LogDiagnosis.Of(entries[1]).Signature);
        Assert.Null(entries[2].Reason);
        Assert.Equal(PathSignature.GreetingTimeout, LogDiagnosis.Of(entries[3]).Signature);
        Assert.Null(entries[4].Reason);
        Assert.Equal(new[] { MtaKind.Postfix, MtaKind.Postfix, MtaKind.Postfix, MtaKind.Postfix, MtaKind.Postfix, MtaKind.Exim, MtaKind.Exim }, entries.Select(e => e.Mta));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796548442), entries[0].Timestamp);
    }

    [Theory]
    [InlineData("exim-lab-sender-mainlog", "blackhole.lab.test BodyTimeout 2; eod.masked.lab.test EndOfDataLost 2; failover.lab.test GreetingTimeout 1; failover.lab.test RemoteRejected 1; healthy.lab.test RemoteRejected 1; masked.lab.test RemoteRejected 1; refused.lab.test ConnectRefused 2; servfail.lab.test DnsTempFail 1; stall.lab.test BodyTimeout 2; unreachable.lab.test GreetingTimeout 2")]
    [InlineData("postfix-lab-sender.log", "blackhole.lab.test BodyTimeout 1; eod.masked.lab.test EndOfDataLost 1; failover.lab.test GreetingTimeout 1; failover.lab.test RemoteRejected 1; healthy.lab.test RemoteRejected 1; masked.lab.test RemoteRejected 1; mx-dead.lab.test ConnectTimeout 1; mx-refused.lab.test ConnectRefused 1; refused.lab.test ConnectRefused 1; servfail.lab.test DnsTempFail 1; sizeloss.lab.test SessionLost 1; stall.lab.test BodyTimeout 1; unreachable.lab.test ConnectTimeout 1")]
    public async Task A_real_sender_log_of_the_lab_faults_is_summarised_per_destination(string file, string groups)
    {
        var processor = new MailLogProcessor(MailLogOptions.FromParameters(true, null, null, Reference), _ => throw new InvalidOperationException("a summary emits nothing per line"), e => throw e);
        using (var reader = File.OpenText(TestPaths.InRepo("tests", "Fixtures", "logs", file)))
        {
            await processor.ReadAsync(reader, System.Threading.CancellationToken.None);
        }

        var summary = processor.Complete(file)!;
        Assert.Equal(groups, string.Join("; ", summary.Groups.Select(g => $"{g.Destination} {g.PathSignature} {g.Count}").OrderBy(g => g, StringComparer.Ordinal)));
        Assert.Equal(0, summary.Sent);
        Assert.Equal(0, summary.TruncatedLines);
        // Exim's host line joins its message's recipient: the stall's relay is the host Exim timed out on.
        Assert.Equal(new[] { "mx-stall.lab.test[198.51.100.29]" }, summary.Groups.Single(g => g.Destination == "stall.lab.test").Relays);
    }

    [Fact]
    public void Every_phrase_is_documented_with_its_source()
    {
        var doc = File.ReadAllText(TestPaths.InRepo("docs", "log-phrases.md"));
        foreach (var phrase in LogPhraseTable.Phrases)
        {
            foreach (var part in phrase.Parts)
            {
                Assert.True(doc.Contains(part, StringComparison.Ordinal), $"docs/log-phrases.md does not quote '{part}'");
            }
        }

        foreach (PathSignature signature in Enum.GetValues(typeof(PathSignature)))
        {
            if (PathSignatureCatalog.Code(signature) is { } code)
            {
                Assert.True(doc.Contains("`" + code + "`", StringComparison.Ordinal), $"docs/log-phrases.md does not list {code}");
            }
        }
    }

    [Fact]
    public void Every_signature_has_its_own_code_and_wording()
    {
        var signatures = Enum.GetValues(typeof(PathSignature)).Cast<PathSignature>().ToList();
        var codes = signatures.Select(PathSignatureCatalog.Code).Where(c => c is not null).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(signatures.Count, signatures.Select(PathSignatureCatalog.Meaning).Distinct().Count());
    }
}
