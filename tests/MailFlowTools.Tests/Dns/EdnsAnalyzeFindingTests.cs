using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// What Test-EdnsReachability concludes from one server's probes, on made-up probe lists: the sizes and the
/// recommended buffer it derives, and the wording, severity and evidence of each finding, including the cases the
/// fake-server tests never reach (no TCP probe, no clean size split, a stray probe at the threshold).
/// </summary>
public sealed class EdnsAnalyzeFindingTests
{
    private static readonly EdnsServerTarget Server = new(new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53));

    // ---- No answer at all, or none over UDP -------------------------------------------------------------------

    [Fact]
    public void An_unreachable_server_names_the_first_probe_detail_and_nothing_else()
    {
        var result = Analyze(
            Lost(0),
            Udp(512, EdnsProbeOutcome.NetworkError, 0, detail: "ICMP port unreachable"),
            Tcp(EdnsProbeOutcome.NetworkError, detail: "connection refused"));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.ServerUnreachable, FindingSeverity.Error), (finding.Code, finding.Severity));
        Assert.Contains("none of 3 queries over UDP or TCP got an answer (ICMP port unreachable).", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("connection refused", finding.Message, StringComparison.Ordinal);
        Assert.Contains("UDP and TCP port 53", finding.Recommendation, StringComparison.Ordinal);
        Assert.False(result.TcpWorks);
        Assert.Null(result.EdnsSupported);
        Assert.Equal(FlagDay, result.RecommendedBufferSize);
    }

    [Fact]
    public void An_unreachable_server_without_tcp_or_details_is_still_judged()
    {
        var result = Analyze(Lost(0), Lost(1232));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.ServerUnreachable, finding.Code);
        Assert.EndsWith("none of 2 queries over UDP or TCP got an answer.", finding.Message, StringComparison.Ordinal);
        Assert.Null(result.TcpWorks);
        Assert.Null(result.FullAnswerSize);
        Assert.Null(result.EdnsSupported);
        Assert.Equal(FlagDay, result.RecommendedBufferSize);
    }

    [Fact]
    public void Udp_that_never_answers_while_tcp_does_asks_for_udp_port_53()
    {
        var result = Analyze(Lost(0), Lost(1232), Tcp(EdnsProbeOutcome.Answer, 900));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.ServerUnreachable, finding.Code);
        Assert.Contains("none of 2 UDP queries got an answer, while TCP works", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Open UDP port 53", finding.Recommendation, StringComparison.Ordinal);
        Assert.True(result.TcpWorks);
        Assert.Equal(900, result.FullAnswerSize);
    }

    // ---- Size-dependent UDP loss ------------------------------------------------------------------------------

    /// <summary>Answers arrive up to a 1232-byte buffer (complete there), the 1410 and 4096 ones are lost.</summary>
    private static EdnsProbe[] FragmentLoss(params EdnsProbe[] tcp) =>
        new[] { Answered(0, 300), Answered(512, 480), Answered(1232, 1000), Lost(1410), Lost(4096) }.Concat(tcp).ToArray();

    [Fact]
    public void Fragment_loss_without_a_tcp_probe_says_tcp_was_not_tested()
    {
        var result = Analyze(FragmentLoss());

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.LargeUdpResponsesLost, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Contains("from 192.0.2.53 of up to 1000 bytes arrive, but answers of about 1410 bytes", finding.Message, StringComparison.Ordinal);
        Assert.Contains("(advertised buffer 1410 and above) never do: large UDP answers", finding.Message, StringComparison.Ordinal);
        Assert.Contains("A buffer of 1232 still gets a complete answer (1000 bytes", finding.Message, StringComparison.Ordinal);
        Assert.Equal(
            "CompleteAnswerBufferSize=1232; FullAnswerSize=0; LargestUdpAnswer=1000; LargestWorkingBufferSize=1232; LostBufferSizes=1410,4096; " +
            "LostProbes=2; SmallestLostBufferSize=1410; SmallestLostUdpAnswer=1410; TcpWorks=not tested",
            Shown(finding.Evidence));
        Assert.Null(result.TcpWorks);
        Assert.Null(result.FullAnswerSize);
        Assert.Equal(1232, result.LargestWorkingBufferSize);
        Assert.Equal(1410, result.SmallestLostBufferSize);
        Assert.Equal(1410, result.SmallestLostUdpAnswer);
        Assert.Equal(FlagDay, result.RecommendedBufferSize);
    }

    [Fact]
    public void Fragment_loss_with_working_tcp_gives_the_tcp_answer_size()
    {
        var result = Analyze(FragmentLoss(Tcp(EdnsProbeOutcome.Answer, 2000)));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.LargeUdpResponsesLost, finding.Code);
        Assert.Contains("never do; the same query over TCP works (2000 bytes): large", finding.Message, StringComparison.Ordinal);
        Assert.Equal(2000, finding.Evidence["FullAnswerSize"]);
        Assert.Equal("True", finding.Evidence["TcpWorks"]);
        Assert.Equal(2000, result.FullAnswerSize);
    }

    [Fact]
    public void Fragment_loss_with_a_tcp_reply_that_is_no_answer_names_the_reply()
    {
        var result = Analyze(FragmentLoss(Tcp(EdnsProbeOutcome.ServFail, 60)));

        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.LargeUdpResponsesLost);
        Assert.Contains("never do; over TCP the server replies but gives no answer (ServFail, 60 bytes): large", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TCP works", finding.Message, StringComparison.Ordinal);
        Assert.Equal(0, finding.Evidence["FullAnswerSize"]);
        Assert.Equal("True", finding.Evidence["TcpWorks"]);
        Assert.True(result.TcpWorks);
        Assert.Null(result.FullAnswerSize);
    }

    [Fact]
    public void Fragment_loss_with_silent_tcp_says_tcp_fails_too_and_tcp_is_needed()
    {
        var result = Analyze(FragmentLoss(Tcp(EdnsProbeOutcome.Timeout)));

        var loss = Assert.Single(result.Findings, f => f.Code == FindingCodes.LargeUdpResponsesLost);
        Assert.Contains("never do; TCP fails too: large", loss.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TCP works", loss.Message, StringComparison.Ordinal);
        Assert.Equal(0, loss.Evidence["FullAnswerSize"]);
        Assert.Equal("False", loss.Evidence["TcpWorks"]);
        Assert.False(result.TcpWorks);
        Assert.Null(result.FullAnswerSize);

        // Some UDP answers arrive, so blocked TCP is its own finding; lost UDP answers make it needed.
        var tcp = Assert.Single(result.Findings, f => f.Code == FindingCodes.TcpFallbackBlocked);
        Assert.Equal(FindingSeverity.Error, tcp.Severity);
        Assert.Contains("nothing to fall back to", tcp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tcp_answer_that_is_not_a_complete_answer_gives_no_full_answer_size()
    {
        var result = Analyze(FragmentLoss(Tcp(EdnsProbeOutcome.ServFail, 60)));

        Assert.True(result.TcpWorks);
        Assert.Null(result.FullAnswerSize);
        Assert.Equal(0, Assert.Single(result.Findings).Evidence["FullAnswerSize"]);
    }

    [Theory]
    [InlineData("no-EDNS answer")]
    [InlineData("EDNS answer without records")]
    [InlineData("truncated EDNS answer")]
    public void Loss_without_a_complete_edns_answer_below_the_lost_buffer_is_an_error(string below)
    {
        var extra = below switch
        {
            "no-EDNS answer" => Answered(0, 300, answers: 2),
            "EDNS answer without records" => Answered(512, 40, answers: 0),
            _ => Udp(512, EdnsProbeOutcome.Truncated, 60, answers: 1),
        };

        var result = Analyze(Truncated(1232, 60), extra, Lost(1410), Lost(4096), Tcp(EdnsProbeOutcome.Answer, 2000));

        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.LargeUdpResponsesLost);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal(0, finding.Evidence["CompleteAnswerBufferSize"]);
        Assert.DoesNotContain("complete answer", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stray_probe_at_the_lost_buffer_is_neither_the_complete_answer_nor_hidden()
    {
        // Split at 1232 with one misfit: a second 1410-byte probe arrived while two were lost.
        var result = Analyze(
            Answered(0, 300), Answered(512, 480), Answered(1232, 1000), Lost(1410), Lost(1410, EdnsProbeKind.Bisection),
            Answered(1410, 1300, kind: EdnsProbeKind.Bisection), Lost(4096), Tcp(EdnsProbeOutcome.Answer, 2000));

        var loss = Assert.Single(result.Findings, f => f.Code == FindingCodes.LargeUdpResponsesLost);
        Assert.Equal(FindingSeverity.Warning, loss.Severity);
        Assert.Equal(1232, loss.Evidence["CompleteAnswerBufferSize"]);
        Assert.Equal(3, loss.Evidence["LostProbes"]);
        Assert.Equal("1410,1410,4096", loss.Evidence["LostBufferSizes"]);

        var stray = Assert.Single(result.Findings, f => f.Code == FindingCodes.IntermittentUdpLoss);
        Assert.Equal(FindingSeverity.Warning, stray.Severity);
        Assert.Contains("Besides the size-dependent loss, 1 UDP probe(s) to 192.0.2.53", stray.Message, StringComparison.Ordinal);
        Assert.Contains("the 1232-byte threshold", stray.Message, StringComparison.Ordinal);
        Assert.Equal((3, 7), ((int)stray.Evidence["LostProbes"], (int)stray.Evidence["SizeProbes"]));
    }

    [Fact]
    public void A_clean_size_split_is_not_intermittent_loss()
    {
        var result = Analyze(FragmentLoss(Tcp(EdnsProbeOutcome.Answer, 2000)));

        Assert.DoesNotContain(result.Findings, f => f.Code == FindingCodes.IntermittentUdpLoss);
    }

    [Fact]
    public void Loss_at_1232_lowers_the_recommendation_to_what_arrived()
    {
        // The smallest lost answer is exactly 1232 bytes; the largest working buffer (1000) is above the largest answer (900).
        var result = Analyze(
            Answered(0, 300), Answered(512, 480), Answered(1000, 900, kind: EdnsProbeKind.Bisection), Lost(1232), Lost(1410), Lost(4096),
            Tcp(EdnsProbeOutcome.Answer, 2000));

        Assert.Equal(1232, result.SmallestLostUdpAnswer);
        Assert.Equal(1000, result.LargestWorkingBufferSize);
        Assert.Equal(900, result.LargestUdpAnswer);
        Assert.Equal(900, result.RecommendedBufferSize);
    }

    // ---- Loss that does not follow size ---------------------------------------------------------------------

    [Fact]
    public void Loss_without_a_size_split_falls_back_to_the_extremes_and_keeps_1232()
    {
        var result = Analyze(Lost(0), Lost(512), Lost(1232), Answered(1410, 500), Answered(1472, 500), Answered(4096, 500), Tcp(EdnsProbeOutcome.Answer, 500));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.IntermittentUdpLoss, finding.Code);
        Assert.Contains("3 of 6 UDP queries to 192.0.2.53 got no answer, and the loss does not follow answer size", finding.Message, StringComparison.Ordinal);
        Assert.Contains("rate limiting", finding.Recommendation, StringComparison.Ordinal);
        Assert.Equal(512, result.SmallestLostBufferSize);
        Assert.Equal(4096, result.LargestWorkingBufferSize);
        Assert.Equal(500, result.SmallestLostUdpAnswer);
        Assert.Equal(FlagDay, result.RecommendedBufferSize);
    }

    // ---- Blocked TCP ----------------------------------------------------------------------------------------

    [Fact]
    public void Refused_tcp_with_truncated_udp_answers_is_an_error_with_its_detail()
    {
        var result = Analyze(
            Answered(0, 300), Truncated(512, 40), Truncated(1232, 60), Truncated(1410, 60), Truncated(1472, 60), Answered(4096, 2500, answers: 10),
            Tcp(EdnsProbeOutcome.NetworkError, detail: "connection refused", elapsedMs: 3.5));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.TcpFallbackBlocked, FindingSeverity.Error), (finding.Code, finding.Severity));
        Assert.Contains("TCP/53 on 192.0.2.53 gives no answer (NetworkError: connection refused) while UDP works", finding.Message, StringComparison.Ordinal);
        Assert.Contains("; resolvers that get a truncated or lost UDP answer have nothing to fall back to.", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("does not need TCP", finding.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 7766", finding.Recommendation, StringComparison.Ordinal);
        Assert.Equal(
            "LargestCompleteUdpAnswer=2500; NeededForThisAnswer=True; TcpElapsedMs=3.5; TcpOutcome=NetworkError; TruncatedUdpAnswers=4",
            Shown(finding.Evidence));
    }

    [Fact]
    public void Silent_tcp_for_an_answer_that_fits_in_udp_is_a_note_with_the_answer_size()
    {
        var result = Analyze(Answered(0, 300), Answered(512, 480), Answered(1232, 900), Answered(4096, 900), Tcp(EdnsProbeOutcome.Timeout, elapsedMs: 3000));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.TcpFallbackBlocked, FindingSeverity.Info), (finding.Code, finding.Severity));
        Assert.Contains("gives no answer (Timeout) while UDP works; this answer (900 bytes) fits in a 1232-byte UDP answer", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fall back", finding.Message, StringComparison.Ordinal);
        Assert.Equal(
            "LargestCompleteUdpAnswer=900; NeededForThisAnswer=False; TcpElapsedMs=3000; TcpOutcome=Timeout; TruncatedUdpAnswers=0",
            Shown(finding.Evidence));
    }

    // ---- EDNS support -----------------------------------------------------------------------------------------

    [Fact]
    public void One_edns_answer_with_opt_is_enough_for_edns_support()
    {
        var result = Analyze(Answered(0, 300), Answered(512, 480, opt: false), Answered(1232, 900), Answered(4096, 900), Tcp(EdnsProbeOutcome.Answer, 900));

        Assert.True(result.EdnsSupported);
        Assert.Empty(result.Findings);
        Assert.Equal(FlagDay, result.RecommendedBufferSize);
    }

    [Theory]
    [InlineData(EdnsProbeOutcome.FormErr)]
    [InlineData(EdnsProbeOutcome.NotImplemented)]
    public void An_edns_rejection_that_carries_opt_is_no_edns_support(EdnsProbeOutcome rejection)
    {
        var result = Analyze(
            Answered(0, 300), Udp(512, rejection, 40, opt: true), Udp(1232, rejection, 40, opt: true), Udp(4096, rejection, 40, opt: true),
            Tcp(EdnsProbeOutcome.Answer, 300));

        Assert.False(result.EdnsSupported);
        Assert.Equal(512, result.RecommendedBufferSize);
        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.EdnsNotSupported, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Contains("0 of 3 answers to EDNS queries carried no OPT record and 3 were FORMERR/NOTIMP", finding.Message, StringComparison.Ordinal);
        Assert.Equal("EdnsAnswersWithoutOpt=0; EdnsRejected=3; PlainAnswers=1", Shown(finding.Evidence));
    }

    [Theory]
    [InlineData(EdnsProbeOutcome.Answer, 300, 1)]
    [InlineData(EdnsProbeOutcome.Truncated, 30, 1)]
    [InlineData(EdnsProbeOutcome.FormErr, 30, 0)]
    [InlineData(EdnsProbeOutcome.Timeout, 0, 0)]
    public void A_server_ignoring_edns_counts_answers_without_opt_and_plain_answers(EdnsProbeOutcome plainOutcome, int plainSize, int plainAnswers)
    {
        var result = Analyze(
            Udp(0, plainOutcome, plainSize), Answered(512, 480, opt: false), Answered(1232, 480, opt: false), Answered(4096, 480, opt: false),
            Tcp(EdnsProbeOutcome.Answer, 480));

        Assert.False(result.EdnsSupported);
        Assert.Equal(512, result.RecommendedBufferSize);
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.EdnsNotSupported);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Contains("192.0.2.53 does not handle EDNS: 3 of 3 answers to EDNS queries carried no OPT record and 0 were", finding.Message, StringComparison.Ordinal);
        Assert.Contains("EDNS0 (RFC 6891)", finding.Recommendation, StringComparison.Ordinal);
        Assert.Equal($"EdnsAnswersWithoutOpt=3; EdnsRejected=0; PlainAnswers={plainAnswers}", Shown(finding.Evidence));
    }

    [Fact]
    public void A_rejected_edns_size_beside_a_plain_answer_is_no_edns_support()
    {
        var result = Analyze(Answered(0, 300), Answered(512, 480), Answered(1232, 900), Udp(4096, EdnsProbeOutcome.FormErr, 40, opt: false), Tcp(EdnsProbeOutcome.Answer, 900));

        Assert.True(result.EdnsSupported);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.EdnsNotSupported, finding.Code);
        Assert.Contains("1 of 3 answers to EDNS queries carried no OPT record and 1 were FORMERR/NOTIMP", finding.Message, StringComparison.Ordinal);
        Assert.Equal("EdnsAnswersWithoutOpt=1; EdnsRejected=1; PlainAnswers=1", Shown(finding.Evidence));
    }

    [Fact]
    public void A_rejected_edns_size_without_a_plain_answer_is_not_judged()
    {
        var result = Analyze(Answered(512, 480), Answered(1232, 900), Udp(4096, EdnsProbeOutcome.FormErr, 40, opt: false), Tcp(EdnsProbeOutcome.Answer, 900));

        Assert.True(result.EdnsSupported);
        Assert.Empty(result.Findings);
    }

    // ---- Oversize and OPT-less truncated answers ---------------------------------------------------------------

    [Fact]
    public void Only_answers_above_the_allowed_size_exceed_it_and_the_worst_is_shown()
    {
        var result = Analyze(Answered(0, 600), Answered(512, 512), Answered(1232, 1500), Answered(4096, 1500), Tcp(EdnsProbeOutcome.Answer, 1500));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.BufferSizeExceeded, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Contains("192.0.2.53 sent 1500 bytes over UDP to a query that allowed 1232 (2 such answers)", finding.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 6891 §6.2.5", finding.Recommendation, StringComparison.Ordinal);
        Assert.Equal("AllowedSize=1232; Count=2; ResponseSize=1500", Shown(finding.Evidence));
    }

    [Fact]
    public void Truncated_edns_answers_without_opt_are_counted_with_their_buffers()
    {
        var result = Analyze(
            Truncated(0, 30), Truncated(512, 40, opt: false), Truncated(1232, 60, opt: false), Answered(4096, 2000), Tcp(EdnsProbeOutcome.Answer, 2000));

        Assert.True(result.EdnsSupported);
        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingCodes.TruncatedWithoutOpt, FindingSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Contains("192.0.2.53 sent 2 truncated answer(s) to EDNS queries without an OPT record", finding.Message, StringComparison.Ordinal);
        Assert.Contains("RFC 6891 §7", finding.Recommendation, StringComparison.Ordinal);
        Assert.Equal("BufferSizes=512,1232; Count=2", Shown(finding.Evidence));
    }

    // ---- Helpers -------------------------------------------------------------------------------------------------

    private const int FlagDay = EdnsReachabilityAnalyzer.FlagDayBufferSize;

    private static EdnsReachabilityResult Analyze(params EdnsProbe[] probes) =>
        EdnsReachabilityAnalyzer.Analyze(Server, "example.test", new EdnsReachabilityOptions(), probes, 1);

    /// <summary>A UDP probe; buffer 0 is a query without EDNS. By default an answer carries OPT when EDNS was asked.</summary>
    private static EdnsProbe Udp(int buffer, EdnsProbeOutcome outcome, int size, int answers = 2, bool? opt = null, EdnsProbeKind kind = EdnsProbeKind.Matrix, string? detail = null) => new()
    {
        Kind = kind,
        Transport = DnsTransport.Udp,
        Edns = buffer > 0,
        BufferSize = buffer,
        DnssecOk = buffer > 0,
        Outcome = outcome,
        ResponseSize = size,
        AnswerCount = size > 0 ? answers : 0,
        ResponseHasOpt = opt ?? (buffer > 0 && size > 0),
        Detail = detail,
    };

    private static EdnsProbe Answered(int buffer, int size, int answers = 2, bool? opt = null, EdnsProbeKind kind = EdnsProbeKind.Matrix) =>
        Udp(buffer, EdnsProbeOutcome.Answer, size, answers, opt, kind);

    private static EdnsProbe Truncated(int buffer, int size, bool? opt = null) => Udp(buffer, EdnsProbeOutcome.Truncated, size, 0, opt);

    private static EdnsProbe Lost(int buffer, EdnsProbeKind kind = EdnsProbeKind.Matrix) => Udp(buffer, EdnsProbeOutcome.Timeout, 0, kind: kind);

    private static EdnsProbe Tcp(EdnsProbeOutcome outcome, int size = 0, string? detail = null, double elapsedMs = 0) => new()
    {
        Kind = EdnsProbeKind.Matrix,
        Transport = DnsTransport.Tcp,
        Edns = true,
        BufferSize = 4096,
        DnssecOk = true,
        Outcome = outcome,
        ResponseSize = size,
        AnswerCount = size > 0 ? 2 : 0,
        ResponseHasOpt = size > 0,
        Detail = detail,
        ElapsedMs = elapsedMs,
    };

    /// <summary>The evidence as "Key=Value; ..." in key order, so one assertion checks every key and value.</summary>
    private static string Shown(IReadOnlyDictionary<string, object> evidence) =>
        string.Join("; ", evidence.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + Convert.ToString(e.Value, CultureInfo.InvariantCulture)));
}
