using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Logs;

/// <summary>
/// A stream past its first 64 lines is mostly decided in the reader's buffer without copying lines: it must give
/// exactly what the same lines give one at a time (the cmdlet's Get-Content path), summary and per line.
/// </summary>
public sealed class MailLogBufferedReadTests
{
    private static readonly DateTimeOffset Reference = new(2026, 12, 6, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null)]
    [InlineData("Dec  6 09:20:00", "2026-12-06T09:40:00Z")]
    public async Task A_summary_read_from_a_stream_equals_the_same_lines_given_one_at_a_time(string? since, string? until)
    {
        var options = MailLogOptions.FromParameters(true, since, until, Reference);
        var streamed = new MailLogProcessor(options, _ => throw new InvalidOperationException("a summary emits nothing per line"), e => throw e);
        await streamed.ReadAsync(new StringReader(string.Join("\r\n", Log())), CancellationToken.None);
        var single = new MailLogProcessor(options, _ => throw new InvalidOperationException("a summary emits nothing per line"), e => throw e);
        foreach (var line in Log())
        {
            single.AddText(line, fromStream: true);
        }

        var fromStream = streamed.Complete("log")!;
        var oneByOne = single.Complete("log")!;
        Assert.Equal(JsonSerializer.Serialize(oneByOne), JsonSerializer.Serialize(fromStream));

        // The buffered lines were counted, not skipped: the sent lines, the host failure held for its message and
        // released by the sent line, the time window, and lines that only look like Postfix.
        Assert.Equal(Log().Count(), fromStream.LinesRead);
        Assert.True(fromStream.Sent > 40);
        Assert.Contains(fromStream.Groups, g => g.Destination == "mx.held.example" && g.HostFailures == 1);
        if (since is not null)
        {
            Assert.True(fromStream.OutsideWindow > 0);
        }
    }

    [Fact]
    public async Task Per_line_results_read_from_a_stream_equal_the_same_lines_given_one_at_a_time()
    {
        var options = MailLogOptions.FromParameters(false, null, null, Reference);
        var streamed = new List<SmtpStatusResult>();
        var processor = new MailLogProcessor(options, streamed.Add, e => throw e);
        await processor.ReadAsync(new StringReader(string.Join("\n", Log())), CancellationToken.None);
        var single = new List<SmtpStatusResult>();
        var oneByOne = new MailLogProcessor(options, single.Add, e => throw e);
        foreach (var line in Log())
        {
            oneByOne.AddText(line, fromStream: true);
        }

        Assert.True(streamed.Count > 100);
        Assert.Equal(single.Select(Describe), streamed.Select(Describe));
        Assert.Equal(oneByOne.SkippedLines, processor.SkippedLines);
    }

    [Theory]
    [InlineData("connect to mx.example[203.0.113.5]:25: CONNECTION TIMED OUT", PathSignature.ConnectTimeout)]
    [InlineData("connect to mx.exämple[203.0.113.5]:25: Connection refused", PathSignature.ConnectRefused)]
    [InlineData("lost connection with mx.example[203.0.113.5] WHILE SENDING END OF DATA -- message may be sent more than once", PathSignature.EndOfDataLost)]
    public void Phrases_match_whatever_the_case_and_in_text_that_is_not_ascii(string reason, PathSignature expected)
    {
        Assert.Equal(expected, LogPhraseTable.Match(reason)?.Signature);
    }

    [Fact]
    public void A_phrase_only_in_the_quoted_reply_is_not_the_mtas_own()
    {
        const string reply = "421 4.4.2 Connection timed out";
        var reason = "host mx.example[203.0.113.5] said: " + reply + " (in reply to RCPT TO command)";

        Assert.Null(LogPhraseTable.Match(reason, reply));
        Assert.Equal(PathSignature.ConnectTimeout, LogPhraseTable.Match(reason)?.Signature);
    }

    private static string Describe(SmtpStatusResult r) =>
        string.Join("|", r.InputText, r.EnhancedStatus, r.PathSignature, r.RelayHost, r.RelayAddress, r.LogEntry?.Timestamp?.ToString("O"), r.LogEntry?.QueueId, r.LogEntry?.Disposition);

    /// <summary>More than the 64 probe lines, in the mix of a busy relay, with the shapes the buffer must leave alone.</summary>
    private static IEnumerable<string> Log()
    {
        var fixture = File.ReadAllLines(TestPaths.InRepo("tests", "Fixtures", "logs", "postfix.log"));
        for (var i = 0; i < 120; i++)
        {
            var t = $"Dec  6 09:{10 + (i / 4):D2}:{i % 60:D2}";
            var id = $"7A{i:X4}C0DE";
            yield return $"{t} mail postfix/smtpd[31{i:D2}]: connect from client{i}.example.org[192.0.2.{1 + i}]";
            yield return $"{t} mail postfix/qmgr[900]: {id}: from=<sender{i}@example.org>, size=4000, nrcpt=1 (queue active)";
            yield return $"{t} mail postfix/smtp[32{i:D2}]: {id}: to=<user{i}@d{i % 7}.example>, relay=mx.d{i % 7}.example[203.0.113.{1 + (i % 9)}]:25, delay=1.2, delays=0.1/0/0.3/0.8, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {id}F)";
            yield return $"{t} mail postfix/qmgr[900]: {id}: removed";
            yield return fixture[i % fixture.Length];
        }

        // A host failure without a recipient, held until the sent line of the same message releases it.
        yield return "Dec  6 09:30:00 mail postfix/smtp[4000]: 9F00AA11BB: conversation with mx.held.example[203.0.113.77] timed out while receiving the initial server greeting";
        yield return "Dec  6 09:30:01 mail postfix/smtp[4000]: 9F00AA11BB: to=<user@held.example>, relay=mx2.held.example[203.0.113.78]:25, delay=31, delays=0/0/30/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)";

        // Shapes only a full read decides: Exim, Sendmail, an RFC 3339 time, a day past the month, other tags.
        yield return "Dec  6 09:46:00 mail postfix-out/smtp[4001]: 9F00AA11BC: to=<a@out.example>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to mx.out.example[203.0.113.80]:25: Connection refused)";
        yield return "2026-12-06T09:46:01.250+00:00 mail postfix/smtp[4002]: 9F00AA11BD: to=<b@iso.example>, relay=mx.iso.example[203.0.113.81]:25, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (250 ok)";
        yield return "Feb 30 09:46:02 mail postfix/smtp[4003]: 9F00AA11BE: to=<c@feb.example>, relay=mx.feb.example[203.0.113.82]:25, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent (250 ok)";
        yield return "Nov 30 09:46:03 mail postfix/smtp[4004]: 9F00AA11BF: to=<d@nov.example>, relay=mx.nov.example[203.0.113.83]:25, delay=1, delays=0/0/1/0, dsn=2.0.0, status=sent,(250 ok)";
        yield return "Dec  6 09:46:04 mail sendmail[4005]: 9F00AA11C0: to=<e@sm.example>, delay=00:00:01, mailer=esmtp, relay=mx.sm.example. [203.0.113.84], dsn=4.0.0, stat=Deferred: Connection timed out with mx.sm.example.";
        yield return "Dec  6 09:46:05 mail kernel: status=sent nothing to do with mail";
        yield return "Dec  6 09:46:06 mail postfix/smtpd[4006]: warning: hostname client.example.org does not resolve to address 192.0.2.9";
    }
}
