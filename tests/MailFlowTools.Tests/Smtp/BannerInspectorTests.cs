using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

public class BannerInspectorTests
{
    [Theory]
    [InlineData("*****************************0****0******20*****", true)]
    [InlineData("**** ***** *0** **** 2***", true)]
    [InlineData("mx1.lab.test ESMTP Postfix", false)]
    [InlineData("mx.example.com Microsoft ESMTP MAIL Service ready at Thu, 2 May 2024", false)]
    [InlineData("*** hello", false)]
    [InlineData("", false)]
    public void RecognisesPixMasking(string text, bool masked) => Assert.Equal(masked, BannerInspector.IsMasked(text));
}
