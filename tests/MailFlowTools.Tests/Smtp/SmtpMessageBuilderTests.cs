using System;
using System.Linq;
using System.Text;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

public class SmtpMessageBuilderTests
{
    private static readonly DateTimeOffset Date = new(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2));

    [Fact]
    public void ExactSizesWithValidLines()
    {
        var min = SmtpMessageBuilder.MinimumSize("abcd1234", null, "postmaster@lab.test", Date);
        foreach (var size in Enumerable.Range(min, 400).Concat(new[] { 1024, 100000, 1_000_001 }))
        {
            var data = SmtpMessageBuilder.Build(size, "abcd1234", null, "postmaster@lab.test", Date);
            Assert.Equal(size, data.Length);
            var text = Encoding.ASCII.GetString(data);
            Assert.EndsWith("\r\n", text);
            var lines = text.Substring(0, text.Length - 2).Split("\r\n");
            Assert.All(lines, l => Assert.True(l.Length <= 78, "line length " + l.Length));
            Assert.DoesNotContain(lines, l => l.StartsWith('.'));
            Assert.Contains("\r\n\r\n", text);
            Assert.All(data, b => Assert.True(b < 128));
        }
    }

    [Fact]
    public void HeadersAreRfc5322()
    {
        var text = Encoding.ASCII.GetString(SmtpMessageBuilder.Build(1024, "abcd1234", "a@b.test", "c@d.test", Date));
        Assert.StartsWith("From: <a@b.test>\r\nTo: <c@d.test>\r\n", text);
        Assert.Contains("Date: Wed, 01 May 2024 12:00:00 +0200\r\n", text);
        Assert.Contains("Message-ID: <abcd1234.probe@mailflowtools.invalid>", text);
    }

    [Fact]
    public void TooSmallIsAnError()
    {
        var ex = Assert.Throws<MailFlowException>(() => SmtpMessageBuilder.Build(10, "s", null, "x@y", Date));
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
    }

    [Fact]
    public void DotStuffing()
    {
        var stuffed = Encoding.ASCII.GetString(SmtpMessageBuilder.DotStuff(Encoding.ASCII.GetBytes(".a\r\nb\r\n..c\r\n.\r\n")));
        Assert.Equal("..a\r\nb\r\n...c\r\n..\r\n", stuffed);
    }
}
