using System.Linq;
using System.Net;
using System.Text;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

public class SmtpEnvelopeTests
{
    private static readonly string[] Rcpt = { "postmaster@lab.test" };

    [Fact]
    public void PlainEnvelope()
    {
        var e = SmtpEnvelope.Build(null, Rcpt, includeData: true);
        Assert.Equal("MAIL FROM:<>\r\nRCPT TO:<postmaster@lab.test>\r\nDATA\r\n", Encoding.ASCII.GetString(e.Bytes));
        Assert.Equal(e.Bytes.Length, e.Length);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(514)]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(1026)]
    [InlineData(1448)]
    [InlineData(8000)]
    public void PaddedToTheExactByteCount(int size)
    {
        var e = SmtpEnvelope.Build("mailflow@[192.0.2.10]", Rcpt, includeData: true, size);
        Assert.Equal(size, e.Length);
        var lines = Encoding.ASCII.GetString(e.Bytes).Split("\r\n").Where(l => l.Length > 0).ToList();
        Assert.StartsWith("MAIL FROM:<mailflow", lines[0]);
        Assert.EndsWith("@[192.0.2.10]>", lines[0]);
        Assert.True(lines[0].Length + 2 <= 512, "MAIL line within the RFC 5321 command-line limit");
        Assert.All(lines.Skip(1).Take(lines.Count - 2), l => Assert.Equal("RCPT TO:<postmaster@lab.test>", l));
        Assert.Equal("DATA", lines[^1]);
    }

    [Fact]
    public void EveryByteCountInARangeIsReachable()
    {
        var min = SmtpEnvelope.Build("a@b.test", Rcpt, includeData: true).Length;
        for (var size = min; size < min + 300; size++)
        {
            Assert.Equal(size, SmtpEnvelope.Build("a@b.test", Rcpt, includeData: true, size).Length);
        }
    }

    [Fact]
    public void LongRecipientStillPadsExactly()
    {
        var rcpt = new[] { new string('r', 60) + "@" + new string('d', 60) + ".test" };
        for (var size = 300; size < 500; size++)
        {
            Assert.Equal(size, SmtpEnvelope.Build("x@y.test", rcpt, includeData: false, size).Length);
        }
    }

    [Fact]
    public void TooSmallNamesTheMinimum()
    {
        var ex = Assert.Throws<MailFlowException>(() => SmtpEnvelope.Build("a@b.test", Rcpt, true, 10));
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
        Assert.Contains("at least", ex.Message);
    }

    [Fact]
    public void NullSenderCannotBePadded()
    {
        var ex = Assert.Throws<MailFlowException>(() => SmtpEnvelope.Build(null, Rcpt, true, 500));
        Assert.Equal(ErrorIds.InvalidParameterCombination, ex.ErrorId);
    }

    [Theory]
    [InlineData("mx1.lab.test", "postmaster@lab.test")]
    [InlineData("lab.test", "postmaster@lab.test")]
    [InlineData("mx1.lab.test.", "postmaster@lab.test")]
    [InlineData("198.51.100.25", "postmaster")]
    [InlineData("2001:db8:5::25", "postmaster")]
    [InlineData("[2001:db8:5::25]", "postmaster")]
    public void DefaultRecipient(string host, string expected) => Assert.Equal(expected, SmtpEnvelope.DefaultRecipient(host));

    [Fact]
    public void AddressLiterals()
    {
        Assert.Equal("[192.0.2.10]", SmtpEnvelope.AddressLiteral(IPAddress.Parse("192.0.2.10")));
        Assert.Equal("[IPv6:2001:db8:c::10]", SmtpEnvelope.AddressLiteral(IPAddress.Parse("2001:db8:c::10")));
        Assert.Equal("[192.0.2.10]", SmtpEnvelope.AddressLiteral(IPAddress.Parse("::ffff:192.0.2.10")));
    }
}
