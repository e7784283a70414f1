using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Stage records in, findings out: every finding of Get-SmtpStageTiming is decided here from what the session
/// recorded (reply, outcome, TLS, transfer facts), and worded by <see cref="SmtpFindings"/>. Pure, like the EDNS,
/// MX path and MTU analyzers: no I/O and no clock, so each rule is unit-tested with made-up records.
/// </summary>
internal static class SmtpStageAnalyzer
{
    public static List<Finding> Analyze(StageRecorder rec, SmtpAnalysisContext c, double stageElapsedMs)
    {
        var findings = new List<Finding>();
        var o = c.Options;
        switch (rec.Stage)
        {
            case SmtpStage.Connect when rec.PortCheck is { ReachablePorts.Count: > 0 } check:
                findings.Add(SmtpFindings.LocalPort25Blocked(
                    o.Port, new[] { c.Address }, rec.Outcome.ToString(), c.Address, check.ReachablePorts[0], "Connected", FindingSeverity.Warning));
                break;

            case SmtpStage.Banner:
                AddBannerFindings(rec, c, findings);
                break;

            case SmtpStage.StartTls when rec.TlsFailure is { } why:
                findings.Add(SmtpFindings.StartTlsFailed(o.ComputerName, c.Address, o.Port, why));
                break;

            case SmtpStage.Auth when rec.Withheld is { } withheld:
                findings.Add(SmtpFindings.AuthWithheld(withheld));
                break;

            case SmtpStage.Body when rec.Stall is { } stall && rec.Outcome != SmtpStageOutcome.Ok:
                findings.Add(SmtpFindings.TransferStalled(stall));
                break;

            case SmtpStage.EndOfData when o.SplitEndOfData && rec.Outcome is SmtpStageOutcome.Timeout or SmtpStageOutcome.Closed or SmtpStageOutcome.Reset:
                findings.Add(SmtpFindings.EndOfDataSplitFails(rec.Outcome, stageElapsedMs));
                break;
        }

        if (rec.Outcome == SmtpStageOutcome.Ok || rec.Stage == SmtpStage.Quit || findings.Any(f => f.IsProblem))
        {
            return findings;
        }

        if (rec.Stage == SmtpStage.RcptTo && rec.Outcome == SmtpStageOutcome.Rejected && rec.Reply is not null)
        {
            // The server's recipient policy, not a failure of the path or the session.
            findings.Add(RecipientRefusal.Finding(rec.Recipient ?? string.Empty, rec.Reply, o.ProbeRecipient || o.To.Count == 0));
        }
        else if (!IsConsequenceOfRefusedRecipients(rec, c))
        {
            findings.Add(FailureFinding(rec, c, stageElapsedMs));
        }

        return findings;
    }

    /// <summary>The greeting as one line: code, enhanced status, text.</summary>
    public static string ReplyLine(SmtpReply reply) =>
        string.Join(" ", new[] { reply.Code.ToString(CultureInfo.InvariantCulture), reply.EnhancedStatus, reply.Text }.Where(p => !string.IsNullOrEmpty(p)));

    private static void AddBannerFindings(StageRecorder rec, SmtpAnalysisContext c, List<Finding> findings)
    {
        var o = c.Options;
        if (rec.Outcome == SmtpStageOutcome.Timeout)
        {
            findings.Add(SmtpFindings.NoBannerAfterConnect(o.ComputerName, new[] { c.Address }, o.Port, o.Timeouts.Banner, rec.Outcome));
        }

        if (rec.Reply is null || rec.Outcome != SmtpStageOutcome.Ok)
        {
            return;
        }

        if (BannerInspector.IsMasked(string.Join(" ", rec.Reply.Lines)))
        {
            findings.Add(SmtpFindings.BannerMasked(o.ComputerName, c.Address, ReplyLine(rec.Reply)));
        }

        var greetingMs = (rec.WireEndMs ?? rec.StartMs) - (rec.WireStartMs ?? rec.StartMs);
        if (greetingMs > o.SlowGreetingThreshold.TotalMilliseconds)
        {
            findings.Add(SmtpFindings.SlowGreeting(greetingMs, o.SlowGreetingThreshold));
        }
    }

    /// <summary>A pipelined DATA refused because every recipient was refused ("554 no valid recipients") adds nothing.</summary>
    private static bool IsConsequenceOfRefusedRecipients(StageRecorder rec, SmtpAnalysisContext c) =>
        rec.Stage == SmtpStage.Data && rec.Outcome == SmtpStageOutcome.Rejected && c.RecipientsAccepted == 0 && c.RecipientsRefused > 0;

    /// <summary>A stage that failed without a more specific finding still makes the run a problem (CLI exit 1).</summary>
    private static Finding FailureFinding(StageRecorder rec, SmtpAnalysisContext c, double elapsedMs)
    {
        var reply = rec.Reply is null ? rec.Text ?? string.Empty : ReplyLine(rec.Reply);
        return rec.Stage == SmtpStage.Connect
            ? SmtpFindings.ServerUnreachable(c.Options.ComputerName, c.Address, c.Options.Port, rec.Outcome, reply)
            : SmtpFindings.SmtpSessionFailed(rec.Stage, rec.Outcome, reply, elapsedMs);
    }
}
