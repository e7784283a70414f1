using System;
using System.IO;
using System.Linq;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Mime;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Smtp;

/// <summary>Bounces that arrive as MIME messages (tests/Fixtures/ndr), read through MimeKit into one status per recipient.</summary>
public sealed class NdrMessageTests
{
    private static string Fixture(string name) => File.ReadAllText(TestPaths.InRepo("tests", "Fixtures", "ndr", name));

    [Fact]
    public void A_Postfix_report_with_a_base64_delivery_status_gives_one_result_per_recipient()
    {
        var results = NdrMessage.Resolve(Fixture("postfix-two-recipients-base64.eml"));

        Assert.Equal(2, results.Count);
        var bob = results[0];
        Assert.Equal("bob@contoso.example", bob.FinalRecipient);
        Assert.Equal("5.1.1", bob.EnhancedStatus);
        Assert.Equal(550, bob.ReplyCode);
        Assert.Equal("failed", bob.Action);
        Assert.False(bob.ActionInferred);
        Assert.Equal("mx1.example.net", bob.ReportingMta);
        Assert.Equal("mail.contoso.example", bob.RemoteMta);
        Assert.Contains("User unknown in virtual mailbox table", bob.DiagnosticCode, StringComparison.Ordinal);

        var carol = results[1];
        Assert.Equal("carol@fabrikam.example", carol.FinalRecipient);
        Assert.Equal("4.4.1", carol.EnhancedStatus);
        Assert.Equal("delayed", carol.Action);
        Assert.True(carol.IsTransient);
        Assert.Equal("fabrikam.example", carol.RecipientDomain);
    }

    [Fact]
    public void The_text_path_alone_cannot_see_inside_the_base64_part()
    {
        // The same file as text: only the human-readable part's first status shows, the second recipient is lost.
        var text = SmtpStatusResolver.Resolve(Fixture("postfix-two-recipients-base64.eml"));
        Assert.Null(text.FinalRecipient);
        Assert.NotEqual("4.4.1", text.EnhancedStatus);
    }

    [Fact]
    public void An_Exchange_report_in_quoted_printable_is_decoded_across_its_soft_line_breaks()
    {
        var result = Assert.Single(NdrMessage.Resolve(Fixture("exchange-quoted-printable.eml")));

        Assert.Equal("dana@northwind.example", result.FinalRecipient);
        Assert.Equal("5.4.1", result.EnhancedStatus);
        Assert.Equal(550, result.ReplyCode);
        Assert.Equal("EX01.contoso.example", result.ReportingMta);
        Assert.Contains("2026-12-06T14:10:00.123Z 08DC1234ABCD]", result.DiagnosticCode, StringComparison.Ordinal);
        Assert.DoesNotContain("=", result.DiagnosticCode!.Replace("==", string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bounce_without_a_report_part_is_read_from_its_decoded_text_and_encoded_words()
    {
        var part = Assert.Single(NdrMessage.Split(Fixture("qmail-plain-base64.eml")));
        Assert.Contains("Remote host said: 550 5.1.1 <frank@tailspin.example>", part, StringComparison.Ordinal);

        var result = Assert.Single(NdrMessage.Resolve(Fixture("qmail-plain-base64.eml")));
        Assert.Equal("5.1.1", result.EnhancedStatus);
        Assert.Equal(550, result.ReplyCode);

        var exchange = NdrMessage.Split(Fixture("exchange-quoted-printable.eml").Replace("Content-Type: message/delivery-status", "Content-Type: text/plain", StringComparison.Ordinal));
        Assert.StartsWith("Subject: Unzustellbar: Quartalszahlen überprüft", Assert.Single(exchange), StringComparison.Ordinal);
    }

    [Fact]
    public void The_CLI_reads_a_saved_bounce_as_one_status_per_recipient()
    {
        var r = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--path", TestPaths.InRepo("tests", "Fixtures", "ndr", "postfix-two-recipients-base64.eml"), "--json" }, TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode is 0 or 1, r.StandardError);
        using var json = System.Text.Json.JsonDocument.Parse(r.StandardOutput);
        var statuses = json.RootElement.EnumerateArray().Select(e => (e.GetProperty("FinalRecipient").GetString() ?? string.Empty, e.GetProperty("EnhancedStatus").GetString() ?? string.Empty)).ToList();
        Assert.Equal(new[] { ("bob@contoso.example", "5.1.1"), ("carol@fabrikam.example", "4.4.1") }, statuses);
    }

    [Theory]
    [InlineData("451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped.\"")]
    [InlineData("4.4.7")]
    [InlineData("Reporting-MTA: dns; mx1.example.net\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n")]
    [InlineData("Subject: Undeliverable\nFrom: postmaster@x.example\n\n550 5.1.1 user unknown")]
    public void Pasted_snippets_take_the_text_path_unchanged(string text)
    {
        Assert.False(NdrMessage.IsMimeMessage(text));
        Assert.Equal(text, Assert.Single(NdrMessage.Split(text)));
    }

    [Fact]
    public void A_MIME_message_without_any_status_is_the_usual_no_status_error()
    {
        const string message = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8sIHdvcmxkLg==\r\n";
        var ex = Assert.Throws<MailFlowException>(() => NdrMessage.Resolve(message).ToList());
        Assert.Equal(ErrorIds.NoStatusInInput, ex.ErrorId);
    }
}
