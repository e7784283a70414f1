using System.IO;
using System.Linq;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Smtp;

public sealed class SmtpStatusResolverTests
{
    [Fact]
    public void Code_4_4_7_explains_what_it_hides_and_names_the_tests()
    {
        var r = SmtpStatusResolver.Resolve("4.4.7");
        Assert.Equal("4.4.7", r.EnhancedStatus);
        Assert.Equal("Persistent transient failure", r.Class);
        Assert.Equal("Network and routing status", r.Subject);
        Assert.Equal("Delivery time expired", r.Detail);
        Assert.Contains("4.4.1", r.NetworkInterpretation);
        Assert.Contains("4.4.2", r.NetworkInterpretation);
        Assert.Contains("4.4.3", r.NetworkInterpretation);
        Assert.Equal(new[] { "Debug-MailFlow", "Test-MxPath", "Test-EdnsReachability", "Get-SmtpStageTiming", "Find-MtuBlackHole" }, r.SuggestedCmdlets);
        var finding = Assert.Single(r.Findings);
        Assert.Equal(FindingCodes.DeliveryTimeExpired, finding.Code);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
    }

    [Fact]
    public void The_incident_1_NDR_parses_to_4_4_7_with_its_action()
    {
        var r = SmtpStatusResolver.Resolve(File.ReadAllText(TestPaths.InRepo("samples", "ndr-incident1.txt")));
        Assert.Equal("4.4.7", r.EnhancedStatus);
        Assert.Equal("failed", r.Action);
        Assert.False(r.ActionInferred);
        Assert.Equal(451, r.ReplyCode);
        Assert.Equal("mbx01.hosted.example", r.ReportingMta);
        Assert.Equal("bob@big.lab.test", r.FinalRecipient);
        Assert.Equal("big.lab.test", r.RecipientDomain);
        Assert.Equal("451 4.4.7 Message delayed; unable to connect to the destination mail server", r.DiagnosticCode);
        Assert.Contains("Test-EdnsReachability -Name big.lab.test", r.SuggestedCommands);
    }

    [Fact]
    public void A_bare_status_line_infers_the_action()
    {
        var r = SmtpStatusResolver.Resolve("Status: 4.4.7 (unable to connect to the destination mail server)");
        Assert.Equal("4.4.7", r.EnhancedStatus);
        Assert.Equal("failed", r.Action);
        Assert.True(r.ActionInferred);
    }

    [Fact]
    public void Exchange_nested_replies_expose_the_underlying_failure()
    {
        var r = SmtpStatusResolver.Resolve(File.ReadAllText(TestPaths.InRepo("samples", "queue-lasterror.txt")));
        Assert.Equal(451, r.ReplyCode);
        Assert.Equal("4.4.0", r.EnhancedStatus);
        Assert.Equal("421 4.4.2", r.UnderlyingStatus);
        Assert.Equal("delayed", r.Action);
        Assert.Equal("Get-SmtpStageTiming", r.SuggestedCmdlets[0]);
    }

    [Theory]
    [InlineData("550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown", 550, "5.1.1", "Bad destination mailbox address", FindingCodes.PermanentFailureStatus)]
    [InlineData("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", 550, "5.1.1", "Bad destination mailbox address", FindingCodes.PermanentFailureStatus)]
    [InlineData("421 4.4.2 mx.example.test Error: timeout exceeded", 421, "4.4.2", "Bad connection", FindingCodes.TransientFailureStatus)]
    [InlineData("556 5.1.10 Recipient address has null MX", 556, "5.1.10", "Recipient address has null MX", FindingCodes.PermanentFailureStatus)]
    [InlineData("250 2.0.0 Ok: queued as 4F2A1", 250, "2.0.0", "Other undefined status", null)]
    public void Replies_are_split_into_code_status_and_meaning(string text, int reply, string enhanced, string detail, string? code)
    {
        var r = SmtpStatusResolver.Resolve(text);
        Assert.Equal(reply, r.ReplyCode);
        Assert.Equal(enhanced, r.EnhancedStatus);
        Assert.Equal(detail, r.Detail);
        Assert.Equal(code, r.Findings.FirstOrDefault()?.Code);
    }

    [Fact]
    public void A_reply_code_alone_is_enough()
    {
        var r = SmtpStatusResolver.Resolve("421 Service not available");
        Assert.Equal(421, r.ReplyCode);
        Assert.Null(r.EnhancedStatus);
        Assert.True(r.IsTransient);
        Assert.Contains("Get-SmtpStageTiming", r.SuggestedCmdlets);
    }

    [Fact]
    public void Vendor_detail_codes_are_read_by_class_and_subject()
    {
        var r = SmtpStatusResolver.Resolve("451 4.4.316 Connection refused");
        Assert.Equal("4.4.316", r.EnhancedStatus);
        Assert.Null(r.Detail);
        Assert.Contains(r.Findings, f => f.Code == FindingCodes.UnrecognisedStatus);
        Assert.True(r.PointsAtNetworkPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("connected to 192.0.2.1 port 25")]
    public void Text_without_a_status_is_a_typed_error(string text)
    {
        var ex = Assert.Throws<MailFlowException>(() => SmtpStatusResolver.Resolve(text));
        Assert.Equal(ErrorIds.NoStatusInInput, ex.ErrorId);
        Assert.False(ex.IsInvalidInvocation);
    }

    [Fact]
    public void Addresses_are_not_mistaken_for_status_codes()
    {
        var r = SmtpStatusResolver.Resolve("Remote host 198.51.100.25 said: 550 5.7.1 Relaying denied");
        Assert.Equal("5.7.1", r.EnhancedStatus);
        Assert.Equal(550, r.ReplyCode);
    }

    [Fact]
    public void Huge_input_is_bounded()
    {
        var text = new string('x', 5_000_000) + " 550 5.1.1 late";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<MailFlowException>(() => SmtpStatusResolver.Resolve(text));
        Assert.True(watch.ElapsedMilliseconds < 5000);
    }
}
