using System;
using System.Linq;
using System.Security.Cryptography;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>RFC 6698 §2.1 / RFC 7672 §3 TLSA matching and the WebPKI checks of RFC 8461 §4.2, on in-memory certificates.</summary>
public sealed class TlsaAndCertificateTests
{
    private static readonly Lazy<(byte[] Ca, byte[] Leaf)> Chain = new(() =>
    {
        using var ca = TestCertificates.Ca();
        using var leaf = TestCertificates.Leaf(ca, null, "mx.example.test", "*.mail.example.test");
        return (ca.RawData, leaf.RawData);
    });

    [Fact]
    public void The_DER_reader_finds_the_key_and_the_names_the_platform_finds()
    {
        using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Chain.Value.Leaf);

        Assert.Equal(leaf.PublicKey.ExportSubjectPublicKeyInfo(), DerCertificate.SubjectPublicKeyInfo(Chain.Value.Leaf));
        Assert.Equal(new[] { "mx.example.test", "*.mail.example.test" }, DerCertificate.DnsNames(Chain.Value.Leaf));
    }

    [Fact]
    public void Garbage_and_truncated_certificates_give_nothing_and_never_throw()
    {
        var random = new byte[600];
        new Random(17).NextBytes(random);
        foreach (var bytes in new[] { Array.Empty<byte>(), random, Chain.Value.Leaf.Take(200).ToArray(), new byte[] { 0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF } })
        {
            Assert.Null(DerCertificate.SubjectPublicKeyInfo(bytes));
            Assert.Empty(DerCertificate.DnsNames(bytes));
        }
    }

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 0, 1)]
    [InlineData(3, 1, 2)]
    [InlineData(3, 0, 0)]
    public void DANE_EE_records_match_the_leaf(byte usage, byte selector, byte matchingType)
    {
        var record = new TlsaRecord(usage, selector, matchingType, TlsaMatcher.Association(selector, matchingType, Chain.Value.Leaf)!);

        var m = TlsaMatcher.Match(new[] { record }, new[] { Chain.Value.Leaf, Chain.Value.Ca }, "any.name.at.all");

        Assert.Equal(TlsaMatchOutcome.Matched, m.Outcome);
        Assert.Same(record, m.Record);
    }

    [Fact]
    public void DANE_TA_matches_the_issuer_and_needs_the_MX_name()
    {
        var ta = new TlsaRecord(2, 1, 1, TlsaMatcher.Association(1, 1, Chain.Value.Ca)!);
        var chain = new[] { Chain.Value.Leaf, Chain.Value.Ca };

        Assert.Equal(TlsaMatchOutcome.Matched, TlsaMatcher.Match(new[] { ta }, chain, "mx.example.test").Outcome);
        Assert.Equal(TlsaMatchOutcome.Matched, TlsaMatcher.Match(new[] { ta }, chain, "a.mail.example.test").Outcome);
        Assert.Equal(TlsaMatchOutcome.TrustAnchorMatchedNameMismatch, TlsaMatcher.Match(new[] { ta }, chain, "other.example.test").Outcome);

        // The leaf itself is no trust anchor.
        var leafAsTa = new TlsaRecord(2, 1, 1, TlsaMatcher.Association(1, 1, Chain.Value.Leaf)!);
        Assert.Equal(TlsaMatchOutcome.Mismatch, TlsaMatcher.Match(new[] { leafAsTa }, chain, "mx.example.test").Outcome);
    }

    [Fact]
    public void A_record_for_another_key_is_a_mismatch()
    {
        var wrong = new TlsaRecord(3, 1, 1, SHA256.HashData(new byte[] { 1, 2, 3 }));

        Assert.Equal(TlsaMatchOutcome.Mismatch, TlsaMatcher.Match(new[] { wrong }, new[] { Chain.Value.Leaf }, "mx.example.test").Outcome);
        Assert.Equal(TlsaMatchOutcome.NoCertificate, TlsaMatcher.Match(new[] { wrong }, Array.Empty<byte[]>(), "mx.example.test").Outcome);
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 1, 1)]
    [InlineData(4, 1, 1)]
    [InlineData(255, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 3)]
    public void PKIX_and_unknown_usages_selectors_and_types_are_unusable_for_SMTP(byte usage, byte selector, byte matchingType)
    {
        var record = new TlsaRecord(usage, selector, matchingType, TlsaMatcher.Association(1, 1, Chain.Value.Leaf)!);

        Assert.False(record.IsUsableForSmtp);
        Assert.Equal(TlsaMatchOutcome.NoUsableRecords, TlsaMatcher.Match(new[] { record }, new[] { Chain.Value.Leaf }, "mx.example.test").Outcome);
    }

    [Fact]
    public void A_digest_of_the_wrong_length_is_unusable_and_short_rdata_is_no_record()
    {
        Assert.False(new TlsaRecord(3, 1, 1, new byte[31]).IsUsableForSmtp);
        Assert.False(new TlsaRecord(3, 1, 2, new byte[32]).IsUsableForSmtp);
        Assert.Null(TlsaRecord.FromRData(new byte[] { 3, 1, 1 }));
        var parsed = TlsaRecord.FromRData(new byte[] { 3, 1, 1, 0xAB });
        Assert.Equal("3 1 1 AB", parsed!.ToString());
    }

    [Theory]
    [InlineData("mx.example.test", true)]
    [InlineData("MX.EXAMPLE.TEST.", true)]
    [InlineData("a.mail.example.test", true)]
    [InlineData("mail.example.test", false)]
    [InlineData("b.a.mail.example.test", false)]
    [InlineData("example.test", false)]
    public void Certificate_names_follow_RFC_6125(string host, bool matches)
    {
        Assert.Equal(matches, CertificateNames.Matches(new[] { "mx.example.test", "*.mail.example.test" }, host));
    }

    [Fact]
    public void A_private_CA_is_trusted_only_when_named_and_never_fixes_a_name_or_date()
    {
        var chain = new[] { Chain.Value.Leaf };
        var now = DateTimeOffset.UtcNow;

        var platform = WebPkiValidator.Check(chain, "mx.example.test", Array.Empty<byte[]>(), now);
        Assert.False(platform.Trusted);
        Assert.True(platform.NameMatches);

        var named = WebPkiValidator.Check(chain, "mx.example.test", new[] { Chain.Value.Ca }, now);
        Assert.True(named.IsValid, named.Detail);

        var otherName = WebPkiValidator.Check(chain, "mx2.example.test", new[] { Chain.Value.Ca }, now);
        Assert.True(otherName.Trusted);
        Assert.False(otherName.NameMatches);

        using var otherCa = TestCertificates.Ca("another CA");
        Assert.False(WebPkiValidator.Check(chain, "mx.example.test", new[] { otherCa.RawData }, now).Trusted);

        using var ca = TestCertificates.Ca();
        using var expired = TestCertificates.Leaf(ca, DateTimeOffset.UtcNow.AddDays(-2), "mx.example.test");
        var old = WebPkiValidator.Check(new[] { expired.RawData }, "mx.example.test", new[] { ca.RawData }, now);
        Assert.True(old.Trusted, old.Detail);
        Assert.True(old.Expired);
        Assert.False(old.IsValid);
    }
}
