using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.MxPath;

/// <summary>How the SMTP engine's stages fold into one hop outcome.</summary>
public sealed class SmtpHopFoldTests
{
    private static readonly HopProbeRequest Plain = new(IPAddress.Parse("198.51.100.25"), 25, "mx1.lab.test") { BannerTimeout = TimeSpan.FromSeconds(5) };
    private static readonly HopProbeRequest WithRecipient = new(IPAddress.Parse("198.51.100.25"), 25, "mx1.lab.test") { Recipient = "user@lab.test" };

    private static SmtpStageResult S(SmtpStage stage, SmtpStageOutcome outcome = SmtpStageOutcome.Ok, int? code = null, string? text = null, string[]? caps = null, string? tls = null, string? enhanced = null) => new()
    {
        Stage = stage,
        Outcome = outcome,
        ReplyCode = code,
        ReplyText = text,
        EnhancedStatus = enhanced,
        Capabilities = caps ?? Array.Empty<string>(),
        TlsProtocol = tls,
        ElapsedMs = 2,
        StartMs = 1,
    };

    private static HopProbeResult Fold(HopProbeRequest request, params SmtpStageResult[] stages) => SmtpHopProber.Fold(stages, request);

    [Theory]
    [InlineData(SmtpStageOutcome.Refused, MxHopOutcome.ConnectRefused)]
    [InlineData(SmtpStageOutcome.Reset, MxHopOutcome.ConnectRefused)]
    [InlineData(SmtpStageOutcome.Timeout, MxHopOutcome.ConnectTimeout)]
    [InlineData(SmtpStageOutcome.Unreachable, MxHopOutcome.Unreachable)]
    public void Connect_failures_map_to_their_outcome(SmtpStageOutcome stage, MxHopOutcome expected)
    {
        var r = Fold(Plain, S(SmtpStage.Connect, stage, text: "scripted"));
        Assert.Equal(expected, r.Outcome);
        Assert.Null(r.ConnectMs);
        Assert.StartsWith("connect: ", r.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SmtpStageOutcome.Timeout, null, MxHopOutcome.NoBanner)]
    [InlineData(SmtpStageOutcome.Closed, null, MxHopOutcome.NoBanner)]
    [InlineData(SmtpStageOutcome.ProtocolError, null, MxHopOutcome.NoBanner)]
    [InlineData(SmtpStageOutcome.TempFailed, 421, MxHopOutcome.BannerTempFailed)]
    [InlineData(SmtpStageOutcome.Rejected, 554, MxHopOutcome.BannerRejected)]
    public void Greeting_failures_map_to_their_outcome(SmtpStageOutcome stage, int? code, MxHopOutcome expected)
    {
        var r = Fold(Plain, S(SmtpStage.Connect), S(SmtpStage.Banner, stage, code, "go away"), S(SmtpStage.Quit));
        Assert.Equal(expected, r.Outcome);
        Assert.Equal(2, r.ConnectMs);
        Assert.Equal(code, r.ReplyCode);
        if (stage == SmtpStageOutcome.Timeout)
        {
            Assert.Equal("greeting: no answer within 5 s", r.Detail);
        }
    }

    [Fact]
    public void A_full_session_with_STARTTLS_is_Ok_with_every_clock()
    {
        var r = Fold(
            Plain,
            S(SmtpStage.Connect),
            S(SmtpStage.Banner, code: 220, text: "mx.lab.test ESMTP"),
            S(SmtpStage.Ehlo, code: 250, caps: new[] { "PIPELINING", "STARTTLS", "SIZE 10240000" }),
            S(SmtpStage.StartTls, code: 220, tls: "Tls13"),
            S(SmtpStage.EhloTls, code: 250),
            S(SmtpStage.Quit, code: 221));
        Assert.Equal(MxHopOutcome.Ok, r.Outcome);
        Assert.Equal("220 mx.lab.test ESMTP", r.Banner);
        Assert.Equal(true, r.StartTlsOffered);
        Assert.Equal(true, r.TlsEstablished);
        Assert.Equal("Tls13", r.TlsProtocol);
        Assert.NotNull(r.EhloMs);
        Assert.NotNull(r.StartTlsMs);
        Assert.Null(r.Detail);
    }

    [Fact]
    public void Without_STARTTLS_on_offer_TLS_is_not_attempted()
    {
        var r = Fold(Plain, S(SmtpStage.Connect), S(SmtpStage.Banner, code: 220, text: "x"), S(SmtpStage.Ehlo, code: 250, caps: new[] { "PIPELINING" }), S(SmtpStage.Quit, code: 221));
        Assert.Equal(MxHopOutcome.Ok, r.Outcome);
        Assert.Equal(false, r.StartTlsOffered);
        Assert.Null(r.TlsEstablished);
    }

    [Fact]
    public void A_rejected_EHLO_rescued_by_HELO_is_Ok()
    {
        var r = Fold(Plain, S(SmtpStage.Connect), S(SmtpStage.Banner, code: 220, text: "x"), S(SmtpStage.Ehlo, SmtpStageOutcome.Rejected, 502), S(SmtpStage.Helo, code: 250), S(SmtpStage.Quit, code: 221));
        Assert.Equal(MxHopOutcome.Ok, r.Outcome);
    }

    [Theory]
    [InlineData(SmtpStageOutcome.Timeout, null)]
    [InlineData(SmtpStageOutcome.TempFailed, 421)]
    public void A_failed_EHLO_is_EhloFailed(SmtpStageOutcome outcome, int? code)
    {
        var r = Fold(Plain, S(SmtpStage.Connect), S(SmtpStage.Banner, code: 220, text: "x"), S(SmtpStage.Ehlo, outcome, code));
        Assert.Equal(MxHopOutcome.EhloFailed, r.Outcome);
        Assert.Equal(code, r.ReplyCode);
    }

    [Fact]
    public void A_failed_TLS_handshake_is_TlsFailed()
    {
        var r = Fold(Plain, S(SmtpStage.Connect), S(SmtpStage.Banner, code: 220, text: "x"), S(SmtpStage.Ehlo, code: 250, caps: new[] { "STARTTLS" }), S(SmtpStage.StartTls, SmtpStageOutcome.TlsFailed, text: "handshake failed"));
        Assert.Equal(MxHopOutcome.TlsFailed, r.Outcome);
        Assert.Equal(true, r.StartTlsOffered);
        Assert.Equal(false, r.TlsEstablished);
        Assert.Contains("handshake failed", r.Detail);
    }

    [Fact]
    public void A_refused_recipient_is_RecipientRejected_with_its_reply()
    {
        var r = Fold(
            WithRecipient,
            S(SmtpStage.Connect),
            S(SmtpStage.Banner, code: 220, text: "x"),
            S(SmtpStage.Ehlo, code: 250),
            S(SmtpStage.MailFrom, code: 250),
            S(SmtpStage.RcptTo, SmtpStageOutcome.Rejected, 550, "User unknown", enhanced: "5.1.1"),
            S(SmtpStage.Quit, code: 221));
        Assert.Equal(MxHopOutcome.RecipientRejected, r.Outcome);
        Assert.Equal(550, r.ReplyCode);
        Assert.Equal("User unknown", r.ReplyText);
        Assert.Equal("RCPT TO: Rejected (550 5.1.1 User unknown)", r.Detail);
    }

    [Fact]
    public void A_refused_sender_is_RecipientRejected_too()
    {
        var r = Fold(WithRecipient, S(SmtpStage.Connect), S(SmtpStage.Banner, code: 220, text: "x"), S(SmtpStage.Ehlo, code: 250), S(SmtpStage.MailFrom, SmtpStageOutcome.Rejected, 553, "sender refused"));
        Assert.Equal(MxHopOutcome.RecipientRejected, r.Outcome);
        Assert.Equal(553, r.ReplyCode);
    }

    [Fact]
    public void An_accepted_recipient_is_Ok_with_the_RCPT_reply()
    {
        var r = Fold(WithRecipient, S(SmtpStage.Connect), S(SmtpStage.Banner, code: 220, text: "x"), S(SmtpStage.Ehlo, code: 250), S(SmtpStage.MailFrom, code: 250), S(SmtpStage.RcptTo, code: 250, text: "Ok"), S(SmtpStage.Quit, code: 221));
        Assert.Equal(MxHopOutcome.Ok, r.Outcome);
        Assert.Equal(250, r.ReplyCode);
        Assert.NotNull(r.RcptMs);
        Assert.NotNull(r.MailMs);
    }

    [Fact]
    public void Equal_preferences_get_the_same_order_for_a_seed_whatever_order_the_server_sent()
    {
        var records = new[] { new DnsMxData(10, "mx1.lab.test"), new DnsMxData(10, "mx-control.lab.test"), new DnsMxData(10, "mx-stall.lab.test"), new DnsMxData(5, "first.lab.test"), new DnsMxData(20, "last.lab.test") };
        var rotations = Enumerable.Range(0, records.Length).Select(i => records.Skip(i).Concat(records.Take(i)).ToArray()).ToList();

        foreach (var seed in new[] { 1, 2, 42 })
        {
            var orders = rotations.Select(r => string.Join(",", MxResolver.Order(r, seed).Select(m => m.Exchange))).Distinct().ToList();
            var order = Assert.Single(orders);
            Assert.StartsWith("first.lab.test,", order, StringComparison.Ordinal);
            Assert.EndsWith(",last.lab.test", order, StringComparison.Ordinal);
        }

        var bySeed = Enumerable.Range(0, 20).Select(seed => string.Join(",", MxResolver.Order(records, seed).Select(m => m.Exchange))).Distinct().Count();
        Assert.True(bySeed > 1, "every seed gave the same order");
    }

    [Theory]
    [InlineData(DnsLookupError.NxDomain, MxDnsErrorKind.NameError)]
    [InlineData(DnsLookupError.ServFail, MxDnsErrorKind.ServerFailure)]
    [InlineData(DnsLookupError.Refused, MxDnsErrorKind.Refused)]
    [InlineData(DnsLookupError.Timeout, MxDnsErrorKind.Timeout)]
    [InlineData(DnsLookupError.NetworkError, MxDnsErrorKind.NetworkError)]
    [InlineData(DnsLookupError.Malformed, MxDnsErrorKind.Other)]
    public void DNS_errors_map_onto_the_walk_error_kinds(DnsLookupError error, MxDnsErrorKind kind) =>
        Assert.Equal(kind, DnsMxPathResolver.Map(error));
}
