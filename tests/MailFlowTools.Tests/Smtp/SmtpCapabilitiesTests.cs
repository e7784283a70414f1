using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

public class SmtpCapabilitiesTests
{
    // Postfix 3.7's EHLO reply in the lab (mx1.lab.test).
    private const string PostfixEhlo = "250-mx1.lab.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING";

    [Fact]
    public void ReadsEveryExtension()
    {
        var caps = SmtpCapabilities.FromEhloReply(SmtpReplyParser.Parse(PostfixEhlo));
        Assert.True(caps.Pipelining);
        Assert.True(caps.Size);
        Assert.Equal(10240000, caps.SizeLimit);
        Assert.True(caps.StartTls);
        Assert.True(caps.EightBitMime);
        Assert.True(caps.Chunking);
        Assert.True(caps.SmtpUtf8);
        Assert.True(caps.EnhancedStatusCodes);
        Assert.True(caps.Dsn);
        Assert.Equal(new[] { "PLAIN", "LOGIN" }, caps.AuthMechanisms);
        Assert.True(caps.Has("etrn"));
        Assert.Equal(12, caps.Keywords.Length);
    }

    [Fact]
    public void SizeWithoutValueAndOldAuthSyntax()
    {
        var caps = SmtpCapabilities.FromEhloReply(SmtpReplyParser.Parse("250-x\r\n250-SIZE\r\n250 AUTH=LOGIN"));
        Assert.True(caps.Size);
        Assert.Null(caps.SizeLimit);
        Assert.Equal(new[] { "LOGIN" }, caps.AuthMechanisms);
        Assert.False(caps.Pipelining);
    }

    [Fact]
    public void SingleLineOrNegativeReplyHasNoExtensions()
    {
        Assert.Empty(SmtpCapabilities.FromEhloReply(SmtpReplyParser.Parse("250 x")).Keywords);
        Assert.Same(SmtpCapabilities.None, SmtpCapabilities.FromEhloReply(SmtpReplyParser.Parse("502 5.5.2 no")));
    }
}
