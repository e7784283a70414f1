using System;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// The wording, evidence and branches of the SMTP session findings that the mutation run of the stage analyzer
/// found unpinned: which reason a withheld credential gives, the reply shown for a refused recipient, a greeting
/// that ended without a 220, and the stall facts a reader needs to tell a black hole from a session limit.
/// </summary>
public sealed class SmtpFindingWordingTests
{
    private const string Host = "mx.example.test";

    [Fact]
    public void A_refused_recipient_shows_the_reply_with_its_enhanced_status_once()
    {
        var f = RecipientRefusal.Finding("user@example.test", new SmtpReply(550, new[] { "5.1.1 unknown user" }, "5.1.1", 30), chosenByTool: false);

        Assert.Equal("550 5.1.1 unknown user", f.Evidence["Reply"]);
        Assert.Equal("The server refused the recipient <user@example.test> (550 5.1.1 unknown user); everything before RCPT worked, so this is the server's recipient policy, not a path fault.", f.Message);
        Assert.Contains("Name a recipient the server accepts with -To", f.Recommendation);
    }

    [Fact]
    public void A_refused_recipient_without_an_enhanced_status_shows_code_and_text()
    {
        var f = RecipientRefusal.Finding("postmaster", new SmtpReply(550, new[] { "Invalid recipient" }, null, 25), chosenByTool: true);

        Assert.Equal("550 Invalid recipient", f.Evidence["Reply"]);
    }

    [Fact]
    public void A_greeting_cut_off_by_the_peer_says_how_the_connection_ended()
    {
        var f = SmtpFindings.NoBannerAfterConnect(Host, new[] { "192.0.2.25", "2001:db8::25" }, 25, TimeSpan.FromSeconds(30), SmtpStageOutcome.Closed);

        Assert.Contains("mx.example.test (192.0.2.25, 2001:db8::25) accepts TCP connections on port 25 but sent no 220 greeting before the connection ended (Closed);", f.Message);
        Assert.Equal("Repair the SMTP service behind mx.example.test (or the load balancer or firewall in front of it), or remove it from the MX set.", f.Recommendation);
        Assert.Equal(Host, f.Evidence["Exchange"]);
        Assert.Equal(25, f.Evidence["Port"]);
        Assert.Equal("Closed", f.Evidence["Outcome"]);
    }

    [Fact]
    public void A_slow_greeting_is_worded_in_seconds()
    {
        var f = SmtpFindings.SlowGreeting(12_345, TimeSpan.FromSeconds(5));

        Assert.StartsWith("The greeting took 12.3 s: the server delays it on purpose", f.Message);
        Assert.Contains("five minutes", f.Recommendation);
    }

    [Fact]
    public void A_credential_kept_off_a_clear_session_says_who_turned_TLS_off_and_what_the_server_offered_in_clear()
    {
        var f = SmtpFindings.AuthWithheld(new AuthWithholding
        {
            Reason = AuthWithheldReason.NotEncrypted,
            Host = Host,
            StartTls = SmtpStartTlsMode.Off,
            StartTlsOffered = true,
            OfferedBeforeTls = new[] { "PLAIN", "LOGIN" },
        });

        Assert.Equal("The credential was not sent: the session with mx.example.test is not encrypted (-StartTls Off was given) although it offers AUTH PLAIN LOGIN in plain text, and a password sent there can be read by anyone on the path.", f.Message);
        Assert.Contains("-AllowInsecureAuth", f.Recommendation);
        Assert.Equal("Off", f.Evidence["StartTls"]);
        Assert.Equal(true, f.Evidence["StartTlsOffered"]);
        Assert.Equal("PLAIN LOGIN", f.Evidence["AuthOfferedInPlainText"]);
    }

    [Fact]
    public void A_credential_kept_off_a_server_without_STARTTLS_says_so()
    {
        var f = SmtpFindings.AuthWithheld(new AuthWithholding { Reason = AuthWithheldReason.NotEncrypted, Host = Host, StartTls = SmtpStartTlsMode.Auto });

        Assert.Equal("The credential was not sent: the session with mx.example.test is not encrypted (the server does not offer STARTTLS), and a password sent there can be read by anyone on the path.", f.Message);
        Assert.Equal(string.Empty, f.Evidence["AuthOfferedInPlainText"]);
    }

    [Fact]
    public void An_untrusted_certificate_is_shown_with_its_status_subject_and_issuer()
    {
        var tls = new SmtpTlsInfo { CertificateStatus = "UntrustedRoot", CertificateSubject = "CN=mx.example.test", CertificateIssuer = "CN=Lab CA" };
        var f = SmtpFindings.AuthWithheld(new AuthWithholding { Reason = AuthWithheldReason.CertificateUntrusted, Host = Host, Encrypted = true, Tls = tls });

        Assert.Contains("the TLS certificate of mx.example.test did not validate (UntrustedRoot)", f.Message);
        Assert.Contains("names mx.example.test", f.Recommendation);
        Assert.Equal("UntrustedRoot", f.Evidence["CertificateStatus"]);
        Assert.Equal("CN=mx.example.test", f.Evidence["CertificateSubject"]);
        Assert.Equal("CN=Lab CA", f.Evidence["CertificateIssuer"]);

        var without = SmtpFindings.AuthWithheld(new AuthWithholding { Reason = AuthWithheldReason.CertificateUntrusted, Host = Host });
        Assert.Equal(string.Empty, without.Evidence["CertificateStatus"]);
        Assert.Equal(string.Empty, without.Evidence["CertificateSubject"]);
        Assert.Equal(string.Empty, without.Evidence["CertificateIssuer"]);
    }

    [Theory]
    [InlineData(new[] { "GSSAPI" }, new string[0], true, "The credential was not sent: mx.example.test offers AUTH GSSAPI only, and this tool speaks PLAIN, LOGIN.")]
    [InlineData(new string[0], new[] { "PLAIN" }, true, "The credential was not sent: mx.example.test offered AUTH only before STARTTLS, not in the encrypted session.")]
    [InlineData(new string[0], new[] { "PLAIN" }, false, "The credential was not sent: mx.example.test does not offer AUTH in this session.")]
    [InlineData(new string[0], new string[0], true, "The credential was not sent: mx.example.test does not offer AUTH in this session.")]
    public void No_usable_mechanism_says_what_was_offered_and_when(string[] offered, string[] beforeTls, bool encrypted, string message)
    {
        var f = SmtpFindings.AuthWithheld(new AuthWithholding
        {
            Reason = AuthWithheldReason.NoUsableMechanism,
            Host = Host,
            Encrypted = encrypted,
            Offered = offered,
            OfferedBeforeTls = beforeTls,
            Supported = new[] { "PLAIN", "LOGIN" },
        });

        Assert.Equal(message, f.Message);
        Assert.Contains("smtpd_sasl_auth_enable", f.Recommendation);
        Assert.Equal(string.Join(" ", offered), f.Evidence["AuthOffered"]);
        Assert.Equal(string.Join(" ", beforeTls), f.Evidence["AuthOfferedBeforeStartTls"]);
        Assert.Equal(encrypted, f.Evidence["Tls"]);
    }

    [Fact]
    public void A_stall_shows_the_message_size_and_the_kernel_backoff_and_path_MTU()
    {
        var f = SmtpFindings.TransferStalled(new TransferStall
        {
            StreamBytesAcked = 1_448,
            MessageBytes = 100_000,
            Last = new TcpInfoSnapshot { IsAvailable = true, Backoff = 4, PathMtu = 1500 },
        });

        Assert.Equal(100_000L, f.Evidence["MessageBytes"]);
        Assert.Equal(4, f.Evidence["Backoff"]);
        Assert.Equal(1500, f.Evidence["PathMtu"]);
        Assert.Contains("run Find-MtuBlackHole against the same host", f.Recommendation);

        var unknown = SmtpFindings.TransferStalled(new TransferStall { Last = TcpInfoSnapshot.Unavailable });
        Assert.Equal(0, unknown.Evidence["Backoff"]);
        Assert.Equal(0, unknown.Evidence["PathMtu"]);
    }

    [Fact]
    public void Each_session_finding_has_its_advice_and_names_the_host()
    {
        var tls = SmtpFindings.StartTlsFailed(Host, "192.0.2.25", 587, "handshake aborted");
        Assert.Contains("retry with -StartTls Off", tls.Recommendation);
        Assert.Contains("on port 587", tls.Recommendation);
        Assert.Equal(Host, tls.Evidence["Exchange"]);
        Assert.Equal("192.0.2.25", tls.Evidence["Address"]);

        var blocked = SmtpFindings.LocalPort25Blocked(25, new[] { "192.0.2.25" }, "Timeout", "192.0.2.25", 443, "Connected", FindingSeverity.Warning);
        Assert.Contains("relay through a smart host on port 587", blocked.Recommendation);
        Assert.Contains("outbound port 25 is probably blocked on the way out", blocked.Message);

        var split = SmtpFindings.EndOfDataSplitFails(SmtpStageOutcome.Reset, 1);
        Assert.Equal("With the final '.' and its CRLF in separate packets, the end of data was lost (Reset).", split.Message);
        Assert.Contains("disable SMTP inspection", split.Recommendation);

        var masked = SmtpFindings.BannerMasked(Host, "192.0.2.25", "220 ****");
        Assert.Contains("The greeting from mx.example.test [192.0.2.25] arrives masked as \"220 ****\"", masked.Message);
        Assert.Contains("no inspect esmtp", masked.Recommendation);

        var failed = SmtpFindings.SmtpSessionFailed(SmtpStage.Ehlo, SmtpStageOutcome.Rejected, " 554 no ", 2);
        Assert.Equal("Rejected", failed.Evidence["Outcome"]);
        Assert.Equal("554 no", failed.Evidence["Reply"]);
    }

    [Fact]
    public void A_refused_greeting_that_looks_masked_is_a_failed_session_not_a_masked_banner()
    {
        var rec = new StageRecorder(SmtpStage.Banner, 0, TcpInfoSnapshot.Unavailable)
        {
            Outcome = SmtpStageOutcome.Rejected,
            Reply = new SmtpReply(554, new[] { "****** ****" }, null, 16),
        };

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
    }

    [Fact]
    public void DATA_that_timed_out_after_every_recipient_was_refused_is_still_a_failed_session()
    {
        var rec = new StageRecorder(SmtpStage.Data, 0, TcpInfoSnapshot.Unavailable) { Outcome = SmtpStageOutcome.Timeout };

        var f = Assert.Single(Analyze(rec, recipientsRefused: 2));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
    }

    [Fact]
    public void A_refused_recipient_with_no_recorded_address_has_an_empty_recipient()
    {
        var rec = new StageRecorder(SmtpStage.RcptTo, 0, TcpInfoSnapshot.Unavailable)
        {
            Outcome = SmtpStageOutcome.Rejected,
            Reply = new SmtpReply(550, new[] { "no" }, null, 8),
        };

        Assert.Equal(string.Empty, Assert.Single(Analyze(rec)).Evidence["Recipient"]);
    }

    private static System.Collections.Generic.List<Finding> Analyze(StageRecorder rec, int recipientsRefused = 0) =>
        SmtpStageAnalyzer.Analyze(rec, new SmtpAnalysisContext(SmtpStageTimingOptions.FromParameters(Host), "192.0.2.25", 0, recipientsRefused), 0);
}
