using System;
using System.Text;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

public class SmtpReplyParserTests
{
    private static SmtpReply? Feed(SmtpReplyParser parser, string text, out int consumed) =>
        parser.Feed(Encoding.ASCII.GetBytes(text), out consumed);

    [Fact]
    public void SingleLineWithEnhancedStatus()
    {
        var reply = SmtpReplyParser.Parse("421 4.4.2 mx.example Error: timeout exceeded");
        Assert.Equal(421, reply.Code);
        Assert.Equal("4.4.2", reply.EnhancedStatus);
        Assert.Equal("mx.example Error: timeout exceeded", reply.Text);
        Assert.True(reply.IsTransientNegative);
    }

    [Fact]
    public void MultilineReplyKeepsEveryLine()
    {
        var parser = new SmtpReplyParser();
        var reply = Feed(parser, "250-mx1.lab.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 CHUNKING\r\n", out var consumed);
        Assert.NotNull(reply);
        Assert.Equal(250, reply!.Code);
        Assert.Equal(new[] { "mx1.lab.test", "PIPELINING", "SIZE 10240000", "CHUNKING" }, reply.Lines);
        Assert.Equal(consumed, reply.WireLength);
    }

    [Fact]
    public void BytesOfTheNextReplyStayUnconsumed()
    {
        var parser = new SmtpReplyParser();
        var input = Encoding.ASCII.GetBytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
        var first = parser.Feed(input, out var consumed);
        Assert.Equal(250, first!.Code);
        Assert.Equal(14, consumed);
        var second = parser.Feed(input.AsSpan(consumed), out var consumed2);
        Assert.Equal("2.1.5", second!.EnhancedStatus);
        var third = parser.Feed(input.AsSpan(consumed + consumed2), out _);
        Assert.Equal(354, third!.Code);
    }

    [Fact]
    public void ReplySplitAcrossReadsAtEveryByte()
    {
        var text = Encoding.ASCII.GetBytes("250-first\r\n250 second\r\n");
        var parser = new SmtpReplyParser();
        SmtpReply? reply = null;
        for (var i = 0; i < text.Length; i++)
        {
            reply = parser.Feed(text.AsSpan(i, 1), out var consumed);
            Assert.Equal(1, consumed);
            Assert.Equal(i == text.Length - 1, reply is not null);
        }

        Assert.Equal(new[] { "first", "second" }, reply!.Lines);
    }

    [Fact]
    public void BareLfAndCodeOnlyLinesAreAccepted()
    {
        var reply = SmtpReplyParser.Parse("250-a\n250\n");
        Assert.Equal(new[] { "a", string.Empty }, reply.Lines);
    }

    [Fact]
    public void MismatchedMultilineCodesAreAProtocolError()
    {
        var ex = Assert.Throws<SmtpProtocolException>(() => SmtpReplyParser.Parse("250-hello\r\n251 world\r\n"));
        Assert.Equal(SmtpProtocolError.MismatchedCode, ex.Error);
    }

    [Theory]
    [InlineData("hello there")]
    [InlineData("25")]
    [InlineData("2x0 ok")]
    [InlineData("999 no")]
    [InlineData("100 informational")]
    [InlineData("650 no")]
    public void InvalidCodesAreRejected(string line)
    {
        var ex = Assert.Throws<SmtpProtocolException>(() => SmtpReplyParser.Parse(line));
        Assert.Equal(SmtpProtocolError.InvalidReplyCode, ex.Error);
    }

    [Fact]
    public void InvalidSeparatorIsRejected()
    {
        var ex = Assert.Throws<SmtpProtocolException>(() => SmtpReplyParser.Parse("250Xok"));
        Assert.Equal(SmtpProtocolError.InvalidSeparator, ex.Error);
    }

    [Fact]
    public void EnhancedStatusOfAnotherClassIsIgnored()
    {
        var reply = SmtpReplyParser.Parse("250 5.1.1 odd");
        Assert.Null(reply.EnhancedStatus);
        Assert.Equal("5.1.1 odd", reply.Text);
    }

    [Fact]
    public void EnhancedStatusIsStrippedFromEveryLine()
    {
        var reply = SmtpReplyParser.Parse("550-5.7.1 first\r\n550 5.7.1 second");
        Assert.Equal("5.7.1", reply.EnhancedStatus);
        Assert.Equal("first second", reply.Text);
    }

    [Fact]
    public void LineCapThrowsBeforeTheLineEnds()
    {
        var parser = new SmtpReplyParser(maxLineLength: 100, maxReplyLength: 1000);
        var ex = Assert.Throws<SmtpProtocolException>(() => parser.Feed(Encoding.ASCII.GetBytes("220 " + new string('a', 200)), out _));
        Assert.Equal(SmtpProtocolError.LineTooLong, ex.Error);
    }

    [Fact]
    public void ExactlyTheLineCapIsAccepted()
    {
        var parser = new SmtpReplyParser(maxLineLength: 100, maxReplyLength: 1000);
        var reply = parser.Feed(Encoding.ASCII.GetBytes("220 " + new string('a', 94) + "\r\n"), out _);
        Assert.NotNull(reply);
        var ex = Assert.Throws<SmtpProtocolException>(() => new SmtpReplyParser(100, 1000).Feed(Encoding.ASCII.GetBytes("220 " + new string('a', 95) + "\r\n"), out _));
        Assert.Equal(SmtpProtocolError.LineTooLong, ex.Error);
    }

    [Fact]
    public void ReplyCapStopsEndlessMultiline()
    {
        var parser = new SmtpReplyParser(maxLineLength: 100, maxReplyLength: 1000);
        var line = Encoding.ASCII.GetBytes("250-more\r\n");
        var ex = Assert.Throws<SmtpProtocolException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                parser.Feed(line, out _);
            }
        });
        Assert.Equal(SmtpProtocolError.ReplyTooLong, ex.Error);
    }

    [Fact]
    public void DefaultCapsAreGenerousButBounded()
    {
        var parser = new SmtpReplyParser();
        Assert.Equal(4096, parser.MaxLineLength);
        Assert.Equal(65536, parser.MaxReplyLength);
    }

    [Fact]
    public void ResetForgetsAPartialReply()
    {
        var parser = new SmtpReplyParser();
        Feed(parser, "250-partial\r\n", out _);
        Assert.True(parser.HasPartialReply);
        parser.Reset();
        var reply = Feed(parser, "354 go\r\n", out _);
        Assert.Equal(354, reply!.Code);
    }

    [Fact]
    public void ToStringRebuildsTheWireForm()
    {
        Assert.Equal("250-a\r\n250 b", SmtpReplyParser.Parse("250-a\r\n250 b").ToString());
    }
}
