using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>RFC 8461 §3.1 (TXT record), §3.2 (policy body) and §4.1 (mx patterns), with the RFC's own examples.</summary>
public sealed class MtaStsParsingTests
{
    [Fact]
    public void The_RFC_record_example_is_valid_with_its_id()
    {
        var r = MtaStsRecordParser.Parse(new[] { "v=STSv1; id=20160831085700Z;" });

        Assert.Equal(MtaStsRecordStatus.Valid, r.Status);
        Assert.Equal("20160831085700Z", r.Id);
    }

    [Theory]
    [InlineData("v=STSv1;", "no id")]
    [InlineData("v=STSv1; id=", "1 to 32")]
    [InlineData("v=STSv1; id=123456789012345678901234567890123", "1 to 32")]
    [InlineData("v=STSv1; id=2016-08-31", "1 to 32")]
    [InlineData("v=STSv1x; id=1", "exactly v=STSv1")]
    [InlineData("v=STSv1; garbage; id=1", "name=value")]
    public void Malformed_records_are_invalid_with_the_reason(string text, string reason)
    {
        var r = MtaStsRecordParser.Parse(new[] { text });

        Assert.Equal(MtaStsRecordStatus.Invalid, r.Status);
        Assert.Contains(reason, r.Problem);
    }

    [Fact]
    public void Blanks_around_the_field_delimiters_are_allowed()
    {
        Assert.Equal("1", MtaStsRecordParser.Parse(new[] { "v=STSv1 ;  id=1 ;" }).Id);
    }

    [Fact]
    public void Two_STS_records_conflict_and_other_TXT_records_are_ignored()
    {
        Assert.Equal(MtaStsRecordStatus.Conflicting, MtaStsRecordParser.Parse(new[] { "v=STSv1; id=1", "v=STSv1; id=2" }).Status);
        Assert.Equal(MtaStsRecordStatus.Valid, MtaStsRecordParser.Parse(new[] { "v=spf1 -all", "v=STSv1; id=1" }).Status);
        Assert.Equal(MtaStsRecordStatus.NotPublished, MtaStsRecordParser.Parse(new[] { "v=spf1 -all" }).Status);
    }

    [Fact]
    public void The_RFC_policy_example_parses()
    {
        const string Body = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n";

        Assert.True(MtaStsPolicyParser.TryParse(Body, out var policy, out var problem), problem);
        Assert.Equal(MtaStsMode.Enforce, policy!.Mode);
        Assert.Equal(new[] { "mail.example.com", "*.example.net", "backupmx.example.com" }, policy.Mx);
        Assert.Equal(604800, policy.MaxAgeSeconds);
    }

    [Fact]
    public void LF_line_ends_unknown_keys_and_mode_none_without_mx_are_accepted()
    {
        Assert.True(MtaStsPolicyParser.TryParse("version: STSv1\nmode: testing\nmx: mx.example.com\nfuture_key: x\nmax_age: 0\n", out var testing, out _));
        Assert.Equal(MtaStsMode.Testing, testing!.Mode);
        Assert.True(MtaStsPolicyParser.TryParse("version: STSv1\nmode: none\nmax_age: 86400\n", out var none, out _));
        Assert.Equal(MtaStsMode.None, none!.Mode);
    }

    [Theory]
    [InlineData("version: STSv1\nmode: enforced\nmx: a.example\nmax_age: 1\n", "mode is 'enforced'")]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "not STSv1")]
    [InlineData("mode: enforce\nmx: a.example\nmax_age: 1\n", "no version")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx")]
    [InlineData("version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n", "more than once")]
    [InlineData("version: STSv1\nmode: enforce\nmx a.example\nmax_age: 1\n", "not key: value")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n", "mx pattern")]
    [InlineData("<html><body>404</body></html>", "not key: value")]
    public void Malformed_policies_are_refused_with_the_reason(string body, string reason)
    {
        Assert.False(MtaStsPolicyParser.TryParse(body, out var policy, out var problem));
        Assert.Null(policy);
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData("mail.example.com", "mail.example.com", true)]
    [InlineData("mail.example.com", "MAIL.Example.com.", true)]
    [InlineData("*.example.com", "mail.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "foo.mail.example.com", false)]
    [InlineData("mail.example.com", "mail2.example.com", false)]
    public void Mx_patterns_follow_the_RFC_wildcard_rule(string pattern, string host, bool matches)
    {
        Assert.Equal(matches, MtaStsPattern.Matches(pattern, host));
    }

    [Theory]
    [InlineData("XXXXXXXA", true, true)]
    [InlineData("XXXXXXXX", true, true)]
    [InlineData("XXXXXXXXXXA", true, false)]
    [InlineData("STARTTLS", false, false)]
    [InlineData("8BITMIME", false, false)]
    [InlineData("XXA", false, false)]
    public void A_masked_STARTTLS_keyword_has_the_inspection_box_shape(string keyword, bool masked, bool startTls)
    {
        Assert.Equal(masked, StartTlsMask.IsMaskedKeyword(keyword));
        Assert.Equal(startTls, StartTlsMask.IsMaskedStartTls(keyword));
    }
}
