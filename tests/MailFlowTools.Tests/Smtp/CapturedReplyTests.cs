using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// Replies captured byte for byte from the lab's Postfix (tests/Fixtures/smtp, CRLF kept). The expected codes,
/// enhanced status codes and lines were read off the captured bytes and checked against RFC 5321 §4.2
/// (Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF) and RFC 3463, not
/// produced by our code.
/// </summary>
public class CapturedReplyTests
{
    public static IEnumerable<object?[]> SingleReplies() => new[]
    {
        new object?[] { "198_51_100_25-01-banner.reply", 220, null, "mx.lab.test ESMTP MailFlowTools lab 1.0" },
        new object?[] { "198_51_100_25-03-noop.reply", 250, "2.0.0", "2.0.0 Ok" },
        new object?[] { "198_51_100_25-04-vrfy.reply", 252, "2.0.0", "2.0.0 postmaster" },
        new object?[] { "198_51_100_25-05-help.reply", 500, "5.5.2", "5.5.2 Error: command not recognized" },
        new object?[] { "198_51_100_25-06-auth-not-enabled.reply", 503, "5.5.1", "5.5.1 Error: authentication not enabled" },
        new object?[] { "198_51_100_25-07-rcpt-before-mail.reply", 503, "5.5.1", "5.5.1 Error: need MAIL command" },
        new object?[] { "198_51_100_25-08-data-before-rcpt.reply", 503, "5.5.1", "5.5.1 Error: need RCPT command" },
        new object?[] { "198_51_100_25-09-mail-size-too-big.reply", 552, "5.3.4", "5.3.4 Message size exceeds fixed limit" },
        new object?[] { "198_51_100_25-10-mail-bad-syntax.reply", 501, "5.1.7", "5.1.7 Bad sender address syntax" },
        new object?[] { "198_51_100_25-11-mail.reply", 250, "2.1.0", "2.1.0 Ok" },
        new object?[] { "198_51_100_25-12-mail-nested.reply", 503, "5.5.1", "5.5.1 Error: nested MAIL command" },
        new object?[] { "198_51_100_25-13-rcpt-unknown-user.reply", 550, "5.1.1", "5.1.1 <unknown@lab.test>: Recipient address rejected: User unknown in relay recipient table" },
        new object?[] { "198_51_100_25-14-rcpt-relay-denied.reply", 554, "5.7.1", "5.7.1 <someone@example.invalid>: Relay access denied" },
        new object?[] { "198_51_100_25-15-rcpt-bad-syntax.reply", 501, "5.1.3", "5.1.3 Bad recipient address syntax" },
        new object?[] { "198_51_100_25-16-rcpt.reply", 250, "2.1.5", "2.1.5 Ok" },
        new object?[] { "198_51_100_25-17-rset.reply", 250, "2.0.0", "2.0.0 Ok" },
        new object?[] { "198_51_100_25-18-unknown-command.reply", 500, "5.5.2", "5.5.2 Error: command not recognized" },
        new object?[] { "198_51_100_25-19-long-command.reply", 250, "2.0.0", "2.0.0 Ok" },
        new object?[] { "198_51_100_25-20-etrn.reply", 250, null, "Queuing started" },
        new object?[] { "198_51_100_25-22-quit.reply", 221, "2.0.0", "2.0.0 Bye" },
        new object?[] { "198_51_100_25-23-data-354.reply", 354, null, "End data with <CR><LF>.<CR><LF>" },
        new object?[] { "198_51_100_25-24-starttls.reply", 220, "2.0.0", "2.0.0 Ready to start TLS" },
        new object?[] { "198_51_100_25-25-helo.reply", 250, null, "mx.lab.test" },
        new object?[] { "198_51_100_25-26-too-many-errors.reply", 421, "4.7.0", "4.7.0 mx.lab.test Error: too many errors" },
        new object?[] { "198_51_100_31-01-banner.reply", 220, null, "*********** ***** ************* *** **0" },
    };

    public static IEnumerable<object[]> AllCaptures() =>
        Directory.GetFiles(TestPaths.InRepo("tests", "Fixtures", "smtp"), "*.reply").Select(f => new object[] { Path.GetFileName(f) });

    [Fact]
    public void EveryCaptureHasAnExpectation()
    {
        var expected = SingleReplies().Select(r => (string)r[0]!).Append("198_51_100_25-02-ehlo.reply").Append("198_51_100_25-21-pipelined-mail-rcpt-rcpt-rset.reply");

        Assert.Equal(AllCaptures().Select(r => (string)r[0]).OrderBy(f => f, StringComparer.Ordinal), expected.OrderBy(f => f, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllCaptures))]
    public void EveryCaptureIsWellFormedRfc5321(string file)
    {
        // Checked on the raw bytes, without the parser: CRLF-terminated lines, three digits, then "-" on every line
        // of a reply but its last and " " (or nothing) on the last, the same code throughout one reply.
        var text = Encoding.ASCII.GetString(Load(file));
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var lines = text.Substring(0, text.Length - 2).Split("\r\n");
        string? code = null;
        foreach (var line in lines)
        {
            Assert.Matches("^[2-5][0-5][0-9]([- ].*)?$", line);
            Assert.True(code is null || line.StartsWith(code, StringComparison.Ordinal), $"{file}: code changed inside a reply at '{line}'");
            code = line.Length > 3 && line[3] == '-' ? line.Substring(0, 3) : null;
        }

        Assert.Null(code);
    }

    [Theory]
    [MemberData(nameof(SingleReplies))]
    public void EachCapturedReplyParsesToItsCodeStatusAndText(string file, int code, string? enhanced, string line)
    {
        var bytes = Load(file);
        var reply = new SmtpReplyParser().Feed(bytes, out var consumed);

        Assert.NotNull(reply);
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(bytes.Length, reply!.WireLength);
        Assert.Equal(code, reply.Code);
        Assert.Equal(enhanced, reply.EnhancedStatus);
        Assert.Equal(new[] { line }, reply.Lines);
        Assert.Equal(enhanced is null ? line : line.Substring(enhanced.Length + 1), reply.Text);
        Assert.Equal(Encoding.ASCII.GetString(bytes).TrimEnd('\r', '\n'), reply.ToString());
    }

    [Theory]
    [MemberData(nameof(SingleReplies))]
    public void ByteByByteDeliveryGivesTheSameReply(string file, int code, string? enhanced, string line)
    {
        // TCP may hand the reply over in any split; one byte at a time is the worst case.
        var bytes = Load(file);
        var parser = new SmtpReplyParser();
        SmtpReply? reply = null;
        for (var i = 0; i < bytes.Length; i++)
        {
            Assert.Null(reply);
            reply = parser.Feed(bytes.AsSpan(i, 1), out var consumed);
            Assert.Equal(1, consumed);
        }

        Assert.NotNull(reply);
        Assert.Equal((code, enhanced, line), (reply!.Code, reply.EnhancedStatus, reply.Lines.Single()));
    }

    [Fact]
    public void ThePostfixEhloReplyAdvertisesItsExtensions()
    {
        var bytes = Load("198_51_100_25-02-ehlo.reply");
        var reply = new SmtpReplyParser().Feed(bytes, out var consumed);

        // Eleven lines: ten "250-" and the last "250 "; the first line is the greeting domain (RFC 5321 §4.1.1.1).
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(250, reply!.Code);
        Assert.Equal(new[] { "mx.lab.test", "PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING" }, reply.Lines);
        Assert.Null(reply.EnhancedStatus);

        var caps = SmtpCapabilities.FromEhloReply(reply);
        Assert.Equal(reply.Lines.Skip(1), caps.Keywords);
        Assert.True(caps.Pipelining && caps.StartTls && caps.EnhancedStatusCodes && caps.EightBitMime && caps.Dsn && caps.SmtpUtf8 && caps.Chunking);
        Assert.True(caps.Size);
        Assert.Equal(10240000L, caps.SizeLimit);
        Assert.True(caps.Has("VRFY") && caps.Has("etrn"));
        Assert.Empty(caps.AuthMechanisms); // no AUTH before STARTTLS on port 25
    }

    [Fact]
    public void PipelinedRepliesComeOutOneAtATimeInOrder()
    {
        // MAIL, RCPT <unknown>, RCPT <postmaster>, RSET sent as one group (RFC 2920): four replies in one read.
        var bytes = Load("198_51_100_25-21-pipelined-mail-rcpt-rcpt-rset.reply");
        var parser = new SmtpReplyParser();
        var replies = new List<SmtpReply>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var reply = parser.Feed(bytes.AsSpan(offset), out var consumed);
            offset += consumed;
            Assert.NotNull(reply);
            replies.Add(reply!);
        }

        Assert.Equal(new[] { 250, 550, 250, 250 }, replies.Select(r => r.Code));
        Assert.Equal(new[] { "2.1.0", "5.1.1", "2.1.5", "2.0.0" }, replies.Select(r => r.EnhancedStatus));
        Assert.Equal(new[] { 14, 97, 14, 14 }, replies.Select(r => r.WireLength));
        Assert.Equal(bytes.Length, replies.Sum(r => r.WireLength));
        Assert.Equal("<unknown@lab.test>: Recipient address rejected: User unknown in relay recipient table", replies[1].Text);
    }

    [Theory]
    [InlineData("198_51_100_25-23-data-354.reply", SmtpStageOutcome.Ok, 3)]
    [InlineData("198_51_100_25-11-mail.reply", SmtpStageOutcome.Ok, 2)]
    [InlineData("198_51_100_25-26-too-many-errors.reply", SmtpStageOutcome.TempFailed, 2)]
    [InlineData("198_51_100_25-13-rcpt-unknown-user.reply", SmtpStageOutcome.Rejected, 2)]
    [InlineData("198_51_100_25-14-rcpt-relay-denied.reply", SmtpStageOutcome.Rejected, 2)]
    [InlineData("198_51_100_25-23-data-354.reply", SmtpStageOutcome.ProtocolError, 2)]
    [InlineData("198_51_100_25-11-mail.reply", SmtpStageOutcome.ProtocolError, 3)]
    public void TheReplyClassDecidesTheStageOutcome(string file, SmtpStageOutcome outcome, int expectedClass)
    {
        // RFC 5321 §4.2.1: 2yz done, 3yz go on (354 after DATA), 4yz try later, 5yz refused; a positive class
        // other than the one the command expects is a protocol error.
        var reply = new SmtpReplyParser().Feed(Load(file), out _);

        Assert.Equal(outcome, SmtpStageTimingEngine.OutcomeFor(reply!, expectedClass));
    }

    [Fact]
    public void TheFixupBoxBannerIsMaskedAndPostfixsIsNot()
    {
        // 198.51.100.31 sits behind the lab's "fixup protocol smtp" box: the banner text is asterisks except "0".
        var masked = new SmtpReplyParser().Feed(Load("198_51_100_31-01-banner.reply"), out _);
        var plain = new SmtpReplyParser().Feed(Load("198_51_100_25-01-banner.reply"), out _);

        Assert.True(BannerInspector.IsMasked(masked!.Text));
        Assert.False(BannerInspector.IsMasked(plain!.Text));
    }

    private static byte[] Load(string file) => File.ReadAllBytes(TestPaths.InRepo("tests", "Fixtures", "smtp", file));
}
