using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// The SMTP stage analyzer on made-up stage records: which finding each stage and outcome gives, its severity, its
/// evidence, and the cases that must give nothing. Detection here, not ranking: the engine and lab tests prove the
/// records themselves.
/// </summary>
public sealed class SmtpStageAnalyzerTests
{
    private const string Host = "mx.example.test";
    private const string Address = "192.0.2.25";

    [Fact]
    public void A_failed_connect_while_a_control_port_answers_is_a_blocked_port_warning_and_nothing_else()
    {
        var rec = Record(SmtpStage.Connect, SmtpStageOutcome.Timeout);
        rec.PortCheck = new PortBlockCheck { ReachablePorts = new[] { 443, 80 } };

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.LocalPort25Blocked, f.Code);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal(25, f.Evidence["Port"]);
        Assert.Equal("Timeout", f.Evidence["Outcome"]);
        Assert.Equal(Address, f.Evidence["FailedAddresses"]);
        Assert.Equal(Address, f.Evidence["ControlAddress"]);
        Assert.Equal(443, f.Evidence["ControlPort"]);
        Assert.Equal("Connected", f.Evidence["ControlOutcome"]);
        Assert.Contains("Port 25 failed (Timeout) on 192.0.2.25 while port 443 of 192.0.2.25 answered (connected)", f.Message);
    }

    [Fact]
    public void A_failed_connect_with_no_control_port_answering_is_an_unreachable_server()
    {
        var rec = Record(SmtpStage.Connect, SmtpStageOutcome.Timeout);
        rec.PortCheck = new PortBlockCheck { FailedPorts = new[] { "443 Timeout" } };
        rec.Text = "no answer";

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.ServerUnreachable, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains("mx.example.test (192.0.2.25) port 25", f.Message);
        Assert.Contains("no TCP connection (Timeout: no answer)", f.Message);
        Assert.Contains("get no answer", f.Recommendation);
        Assert.Equal(25, f.Evidence["Port"]);
        Assert.Equal("Timeout", f.Evidence["Outcome"]);
    }

    [Fact]
    public void A_refused_connect_says_nothing_listens_rather_than_packets_get_no_answer()
    {
        var f = Assert.Single(Analyze(Record(SmtpStage.Connect, SmtpStageOutcome.Refused)));

        Assert.Equal(FindingCodes.ServerUnreachable, f.Code);
        Assert.Contains("no TCP connection (Refused)", f.Message);
        Assert.Contains("Nothing listens on that port", f.Recommendation);
    }

    [Fact]
    public void No_greeting_within_the_banner_timeout_is_NoBannerAfterConnect_alone()
    {
        var options = SmtpStageTimingOptions.FromParameters(Host, timeoutSeconds: 7);

        var f = Assert.Single(Analyze(Record(SmtpStage.Banner, SmtpStageOutcome.Timeout), options));

        Assert.Equal(FindingCodes.NoBannerAfterConnect, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal(7000.0, f.Evidence["BannerTimeoutMs"]);
        Assert.Equal(Address, f.Evidence["Addresses"]);
        Assert.Equal("Timeout", f.Evidence["Outcome"]);
        Assert.Contains("within 7 s", f.Message);
    }

    [Fact]
    public void A_banner_closed_before_the_greeting_is_a_failed_session_at_the_banner_not_NoBannerAfterConnect()
    {
        var rec = Record(SmtpStage.Banner, SmtpStageOutcome.Closed);
        rec.Text = "peer closed";

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("The session failed at Banner: Closed (peer closed).", f.Message);
        Assert.Contains("The connection ended at this stage", f.Recommendation);
    }

    [Fact]
    public void A_masked_greeting_is_BannerMasked_with_the_whole_reply_line()
    {
        var rec = Record(SmtpStage.Banner, SmtpStageOutcome.Ok);
        rec.Reply = Reply(220, "*********** ***** ************* *** **0");

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.BannerMasked, f.Code);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("220 *********** ***** ************* *** **0", f.Evidence["Banner"]);
        Assert.Equal(Host, f.Evidence["Exchange"]);
        Assert.Equal(Address, f.Evidence["Address"]);
    }

    [Fact]
    public void A_healthy_greeting_within_the_threshold_gives_nothing()
    {
        var rec = Record(SmtpStage.Banner, SmtpStageOutcome.Ok);
        rec.Reply = Reply(220, "mx.example.test ESMTP Postfix");
        rec.WireStartMs = 100;
        rec.WireEndMs = 5100;

        Assert.Empty(Analyze(rec));
    }

    [Fact]
    public void A_greeting_slower_than_the_threshold_is_SlowGreeting_as_information_measured_on_the_wire()
    {
        var rec = Record(SmtpStage.Banner, SmtpStageOutcome.Ok, startMs: 50);
        rec.Reply = Reply(220, "mx.example.test ESMTP");
        rec.WireStartMs = 100;
        rec.WireEndMs = 5100.5;

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.SlowGreeting, f.Code);
        Assert.Equal(FindingSeverity.Info, f.Severity);
        Assert.Equal(5000.5, f.Evidence["GreetingMs"]);
        Assert.Equal(5000.0, f.Evidence["ThresholdMs"]);
    }

    [Fact]
    public void Without_wire_times_the_greeting_time_is_zero_and_never_slow()
    {
        var rec = Record(SmtpStage.Banner, SmtpStageOutcome.Ok, startMs: 9000);
        rec.Reply = Reply(220, "mx.example.test ESMTP");

        Assert.Empty(Analyze(rec));
    }

    [Fact]
    public void A_failed_handshake_is_StartTlsFailed_with_its_reason()
    {
        var rec = Record(SmtpStage.StartTls, SmtpStageOutcome.TlsFailed);
        rec.TlsFailure = "TLS failed: handshake aborted";

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.StartTlsFailed, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("TLS failed: handshake aborted", f.Evidence["Reason"]);
        Assert.Equal(25, f.Evidence["Port"]);
        Assert.Contains("STARTTLS with mx.example.test [192.0.2.25] failed: TLS failed: handshake aborted", f.Message);
    }

    [Theory]
    [InlineData(AuthWithheldReason.NotEncrypted, FindingCodes.AuthWithoutTls)]
    [InlineData(AuthWithheldReason.CertificateUntrusted, FindingCodes.AuthCertificateUntrusted)]
    [InlineData(AuthWithheldReason.NoUsableMechanism, FindingCodes.AuthNotOffered)]
    public void A_credential_kept_back_names_why(AuthWithheldReason reason, string code)
    {
        var rec = Record(SmtpStage.Auth, SmtpStageOutcome.Ok);
        rec.Withheld = new AuthWithholding { Reason = reason, Host = Host };

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(code, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains("The credential was not sent", f.Message);
    }

    [Fact]
    public void A_body_whose_acknowledgements_stopped_is_TransferStalled_with_the_byte_it_stopped_at()
    {
        var rec = Record(SmtpStage.Body, SmtpStageOutcome.Timeout);
        rec.Stall = new TransferStall
        {
            StreamBytesAcked = 63_712,
            MessageBytesAcked = 62_000,
            MessageBytesWritten = 100_000,
            MessageBytes = 100_000,
            StallDetectedAtMs = 3210.46,
            LastAckAtMs = 1200.04,
            Retransmits = 6,
            Last = new TcpInfoSnapshot { IsAvailable = true, UnackedSegments = 10, Backoff = 3, RetransmitTimeoutMicroseconds = 1_600_000, SendMss = 1448, PathMtu = 1500 },
        };

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.TransferStalled, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal(63_712L, f.Evidence["StalledAtByte"]);
        Assert.Equal(62_000L, f.Evidence["MessageBytesAcked"]);
        Assert.Equal(100_000L, f.Evidence["MessageBytesWritten"]);
        Assert.Equal(3210.5, f.Evidence["StallDetectedAtMs"]);
        Assert.Equal(1200.0, f.Evidence["LastAckAtMs"]);
        Assert.Equal(6L, f.Evidence["Retransmits"]);
        Assert.Equal(10L, f.Evidence["UnackedSegments"]);
        Assert.Equal(1600.0, f.Evidence["RtoMs"]);
        Assert.Equal(1448, f.Evidence["SendMss"]);
        Assert.Contains("Acknowledgements stopped after 63712 bytes sent on the connection (62000 of 100000 bytes of message data); 6 retransmissions", f.Message);
    }

    [Fact]
    public void Stall_facts_on_a_body_that_ended_well_give_nothing()
    {
        var rec = Record(SmtpStage.Body, SmtpStageOutcome.Ok);
        rec.Stall = new TransferStall { StreamBytesAcked = 1 };

        Assert.Empty(Analyze(rec));
    }

    [Theory]
    [InlineData(SmtpStageOutcome.Timeout)]
    [InlineData(SmtpStageOutcome.Closed)]
    [InlineData(SmtpStageOutcome.Reset)]
    public void A_lost_end_of_data_with_the_split_mark_is_EndOfDataSplitFails(SmtpStageOutcome outcome)
    {
        var options = SmtpStageTimingOptions.FromParameters(Host, splitEndOfData: true, deliver: true);

        var f = Assert.Single(Analyze(Record(SmtpStage.EndOfData, outcome), options, elapsedMs: 12.34));

        Assert.Equal(FindingCodes.EndOfDataSplitFails, f.Code);
        Assert.Equal(outcome.ToString(), f.Evidence["Outcome"]);
        Assert.Equal(12.3, f.Evidence["ElapsedMs"]);
    }

    [Fact]
    public void A_lost_end_of_data_without_the_split_mark_is_only_a_failed_session()
    {
        var f = Assert.Single(Analyze(Record(SmtpStage.EndOfData, SmtpStageOutcome.Timeout)));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
        Assert.Contains("stopped answering at this stage", f.Recommendation);
    }

    [Fact]
    public void A_split_mark_refused_by_the_server_is_not_blamed_on_the_path()
    {
        var options = SmtpStageTimingOptions.FromParameters(Host, splitEndOfData: true, deliver: true);
        var rec = Record(SmtpStage.EndOfData, SmtpStageOutcome.Rejected);
        rec.Reply = Reply(554, "5.7.1 rejected");

        var f = Assert.Single(Analyze(rec, options));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
    }

    [Fact]
    public void A_refused_recipient_the_tool_chose_is_RecipientRefused_as_information()
    {
        var rec = Record(SmtpStage.RcptTo, SmtpStageOutcome.Rejected);
        rec.Recipient = "postmaster";
        rec.Reply = Reply(550, "5.1.1 Invalid recipient", "5.1.1");

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.RecipientRefused, f.Code);
        Assert.Equal(FindingSeverity.Info, f.Severity);
        Assert.Equal(true, f.Evidence["ChosenByTool"]);
        Assert.Equal("postmaster", f.Evidence["Recipient"]);
    }

    [Fact]
    public void A_refused_recipient_the_admin_named_is_RecipientRefused_as_a_warning()
    {
        var options = SmtpStageTimingOptions.FromParameters(Host, to: new[] { "user@example.test" });
        var rec = Record(SmtpStage.RcptTo, SmtpStageOutcome.Rejected);
        rec.Recipient = "user@example.test";
        rec.Reply = Reply(550, "5.1.1 unknown", "5.1.1");

        var f = Assert.Single(Analyze(rec, options));

        Assert.Equal(FindingCodes.RecipientRefused, f.Code);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal(false, f.Evidence["ChosenByTool"]);
    }

    [Fact]
    public void A_probe_recipient_refused_is_information_even_when_named()
    {
        var options = new SmtpStageTimingOptions { ComputerName = Host, To = new[] { "postmaster@example.test" }, ProbeRecipient = true };
        var rec = Record(SmtpStage.RcptTo, SmtpStageOutcome.Rejected);
        rec.Recipient = "postmaster@example.test";
        rec.Reply = Reply(550, "5.1.1 unknown", "5.1.1");

        Assert.Equal(FindingSeverity.Info, Assert.Single(Analyze(rec, options)).Severity);
    }

    [Fact]
    public void A_recipient_deferred_is_a_failed_session_warning_not_a_refusal()
    {
        var rec = Record(SmtpStage.RcptTo, SmtpStageOutcome.TempFailed);
        rec.Reply = Reply(451, "4.3.0 try later", "4.3.0");

        var f = Assert.Single(Analyze(rec));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
        Assert.Equal("The session failed at RcptTo: TempFailed (451 4.3.0 try later).", f.Message);
        Assert.Contains("deferred the session", f.Recommendation);
        Assert.Equal("451 4.3.0 try later", f.Evidence["Reply"]);
    }

    [Fact]
    public void DATA_refused_after_every_recipient_was_refused_adds_nothing()
    {
        var rec = Record(SmtpStage.Data, SmtpStageOutcome.Rejected);
        rec.Reply = Reply(554, "5.5.1 no valid recipients", "5.5.1");

        Assert.Empty(Analyze(rec, recipientsAccepted: 0, recipientsRefused: 2));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    public void DATA_refused_otherwise_is_a_failed_session(int accepted, int refused)
    {
        var rec = Record(SmtpStage.Data, SmtpStageOutcome.Rejected);
        rec.Reply = Reply(554, "5.5.1 no", "5.5.1");

        var f = Assert.Single(Analyze(rec, recipientsAccepted: accepted, recipientsRefused: refused));

        Assert.Equal(FindingCodes.SmtpSessionFailed, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains("refused this step", f.Recommendation);
    }

    [Theory]
    [InlineData(SmtpStageOutcome.ProtocolError, "is not valid SMTP")]
    [InlineData(SmtpStageOutcome.Timeout, "stopped answering at this stage")]
    [InlineData(SmtpStageOutcome.Reset, "The connection ended at this stage")]
    public void Each_failed_outcome_has_its_own_advice(SmtpStageOutcome outcome, string advice)
    {
        var rec = Record(SmtpStage.MailFrom, outcome);

        var f = Assert.Single(Analyze(rec, elapsedMs: 1.26));

        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains(advice, f.Recommendation);
        Assert.Equal($"The session failed at MailFrom: {outcome}.", f.Message);
        Assert.Equal("MailFrom", f.Evidence["Stage"]);
        Assert.Equal(1.3, f.Evidence["ElapsedMs"]);
    }

    [Fact]
    public void A_failed_QUIT_and_a_stage_that_went_well_give_nothing()
    {
        Assert.Empty(Analyze(Record(SmtpStage.Quit, SmtpStageOutcome.Timeout)));
        Assert.Empty(Analyze(Record(SmtpStage.Ehlo, SmtpStageOutcome.Ok)));
    }

    [Fact]
    public void The_reply_line_is_code_enhanced_status_and_text_without_empty_parts()
    {
        Assert.Equal("250 2.0.0 ok", SmtpStageAnalyzer.ReplyLine(Reply(250, "2.0.0 ok", "2.0.0")));
        Assert.Equal("220 ready", SmtpStageAnalyzer.ReplyLine(Reply(220, "ready")));
        Assert.Equal("250", SmtpStageAnalyzer.ReplyLine(Reply(250, string.Empty)));
    }

    private static SmtpStageTimingOptions Options() => SmtpStageTimingOptions.FromParameters(Host);

    private static StageRecorder Record(SmtpStage stage, SmtpStageOutcome outcome, double startMs = 0) =>
        new(stage, startMs, TcpInfoSnapshot.Unavailable) { Outcome = outcome };

    private static SmtpReply Reply(int code, string text, string? enhanced = null) => new(code, new[] { text }, enhanced, text.Length + 6);

    private static List<Finding> Analyze(StageRecorder rec, SmtpStageTimingOptions? options = null, double elapsedMs = 0, int recipientsAccepted = 0, int recipientsRefused = 0) =>
        SmtpStageAnalyzer.Analyze(rec, new SmtpAnalysisContext(options ?? Options(), Address, recipientsAccepted, recipientsRefused), elapsedMs);
}
