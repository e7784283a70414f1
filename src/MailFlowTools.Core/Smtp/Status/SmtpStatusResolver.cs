using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>
/// Interprets an SMTP reply, an enhanced status code, an Exchange LastError or a whole NDR/DSN text.
/// Pure text processing: no I/O, safe to call on untrusted input (every regex has a timeout).
/// </summary>
public static class SmtpStatusResolver
{
    /// <summary>Inputs longer than this are cut: NDRs are small, and the regexes must stay bounded.</summary>
    public const int MaxInputLength = 256 * 1024;

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    // A reply code directly followed by an enhanced code: "550 5.1.1", "451-4.4.0", "#550 5.1.1".
    private static readonly Regex ReplyWithEnhanced = new(
        @"(?<![\d.])(?<reply>[245]\d\d)[ \-](?<enh>[245]\.\d{1,3}\.\d{1,3})(?![\d]|\.\d)",
        RegexOptions.CultureInvariant,
        RegexTimeout);

    private static readonly Regex EnhancedOnly = new(
        @"(?<![\d.])(?<enh>[245]\.\d{1,3}\.\d{1,3})(?![\d]|\.\d)",
        RegexOptions.CultureInvariant,
        RegexTimeout);

    // A bare reply code at the start of the text or after a quote, '#', ';' or '=' (Exchange's LED=).
    private static readonly Regex ReplyOnly = new(
        @"(?:^|[\s'""#;=\[])(?<reply>[2-5][0-5]\d)(?=[ \-]|$)",
        RegexOptions.CultureInvariant | RegexOptions.Multiline,
        RegexTimeout);

    private static readonly Regex EmailAddress = new(
        @"[A-Za-z0-9._%+\-]+@(?<domain>[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)",
        RegexOptions.CultureInvariant,
        RegexTimeout);

    public static SmtpStatusResult Resolve(string text) => Resolve(text, DateTimeOffset.Now);

    /// <param name="text">A reply, a code, an NDR, a LastError, or one MTA log or queue line.</param>
    /// <param name="reference">When the text is read: gives a syslog timestamp its year.</param>
    public static SmtpStatusResult Resolve(string text, DateTimeOffset reference)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new MailFlowException(ErrorIds.NoStatusInInput, MailFlowErrorCategory.InvalidData, "The input is empty: give an SMTP reply, an enhanced status code such as 4.4.7, or an NDR text.");
        }

        var input = text.Length > MaxInputLength ? text.Substring(0, MaxInputLength) : text;
        var entry = MtaLogReader.ReadOne(input, reference);
        if (entry is { Mta: MtaKind.Postfix or MtaKind.Exim or MtaKind.Sendmail })
        {
            return ResolveEntry(entry, input);
        }

        var dsn = DsnFields.Parse(input);

        int? replyCode = null;
        EnhancedStatusCode? enhanced = null;

        // The DSN Status field is the final word on a recipient; the diagnostic code carries the remote reply.
        if (EnhancedStatusCode.TryParse(FirstToken(dsn.Status), out var dsnStatus))
        {
            enhanced = dsnStatus;
        }

        foreach (var source in new[] { dsn.DiagnosticCode, input })
        {
            if (source is null)
            {
                continue;
            }

            var pair = ReplyWithEnhanced.Match(source);
            if (pair.Success)
            {
                replyCode ??= int.Parse(pair.Groups["reply"].Value, CultureInfo.InvariantCulture);
                if (enhanced is null && EnhancedStatusCode.TryParse(pair.Groups["enh"].Value, out var e))
                {
                    enhanced = e;
                }
            }
        }

        if (enhanced is null)
        {
            var m = EnhancedOnly.Match(input);
            if (m.Success && EnhancedStatusCode.TryParse(m.Groups["enh"].Value, out var e))
            {
                enhanced = e;
            }
        }

        if (replyCode is null)
        {
            var m = ReplyOnly.Match(dsn.DiagnosticCode ?? input);
            if (m.Success)
            {
                replyCode = int.Parse(m.Groups["reply"].Value, CultureInfo.InvariantCulture);
            }
        }

        // Exchange nests the remote answer: "451 4.4.0 Primary target IP address responded with: 421 4.4.2 …".
        // The innermost reply is the first real failure.
        var pairs = ReplyWithEnhanced.Matches(input);
        string? underlying = null;
        EnhancedStatusCode? underlyingCode = null;
        if (pairs.Count > 1 && EnhancedStatusCode.TryParse(pairs[pairs.Count - 1].Groups["enh"].Value, out var inner) && inner != enhanced)
        {
            underlying = pairs[pairs.Count - 1].Value;
            underlyingCode = inner;
        }

        // A bare phrase ("timed out while receiving the initial server greeting") carries no code: the MTA's own
        // status for that phrase stands in.
        var inferred = false;
        if (enhanced is null && replyCode is null && LogPhraseTable.Match(input) is { } phrase && EnhancedStatusCode.TryParse(phrase.ImpliedStatus, out var implied))
        {
            enhanced = implied;
            inferred = true;
        }

        if (enhanced is null && replyCode is null)
        {
            throw new MailFlowException(
                ErrorIds.NoStatusInInput,
                MailFlowErrorCategory.InvalidData,
                $"No SMTP reply code, enhanced status code (such as 4.4.7) or DSN Status field was found in '{Shorten(Preview(input))}'.",
                Preview(input));
        }

        if (entry is null)
        {
            // A bare phrase or reply may still name the host it is about: "… with mx.example.test[203.0.113.30] …".
            string? host = null, address = null;
            int? port = null;
            if (dsn.IsEmpty && input.IndexOf('\n') < 0)
            {
                _ = RelayText.TryFind(input, out host, out address, out port);
            }

            entry = new MtaLogEntry { Reason = input.Trim(), RelayHost = host ?? dsn.RemoteMta, RelayAddress = address, RelayPort = port };
        }
        return Build(input, dsn, replyCode, enhanced, underlying, underlyingCode, entry, inferred);
    }

    /// <summary>Explains one parsed log or queue entry; the status comes from its dsn=, the reply it quotes, its phrase, or its disposition.</summary>
    public static SmtpStatusResult ResolveEntry(MtaLogEntry entry, string line)
    {
        int? replyCode = null;
        EnhancedStatusCode? enhanced = null;
        var inferred = false;
        if (entry.Dsn is not null && EnhancedStatusCode.TryParse(entry.Dsn, out var logged))
        {
            enhanced = logged;
        }

        if (entry.RemoteReply is { } reply)
        {
            replyCode = int.Parse(reply.Substring(0, 3), CultureInfo.InvariantCulture);
            var pair = ReplyWithEnhanced.Match(reply);
            if (enhanced is null && pair.Success && EnhancedStatusCode.TryParse(pair.Groups["enh"].Value, out var e))
            {
                enhanced = e;
            }
        }

        if (enhanced is null && replyCode is null)
        {
            inferred = true;
            var implied = LogPhraseTable.Match(entry.Reason, entry.RemoteReply)?.ImpliedStatus ?? entry.Disposition switch
            {
                DeliveryDisposition.Sent => "2.0.0",
                DeliveryDisposition.Bounced => "5.0.0",
                DeliveryDisposition.Expired => "4.4.7",
                _ => "4.0.0",
            };
            _ = EnhancedStatusCode.TryParse(implied, out var value);
            enhanced = value;
        }

        return Build(line, null, replyCode, enhanced, null, null, entry, inferred);
    }

    private static SmtpStatusResult Build(string input, DsnFields? dsn, int? replyCode, EnhancedStatusCode? enhanced, string? underlying, EnhancedStatusCode? underlyingCode, MtaLogEntry entry, bool statusInferred)
    {
        var statusClass = enhanced?.Class ?? (replyCode / 100);
        var isTransient = statusClass == 4;
        var isPermanent = statusClass == 5;
        var detail = enhanced is { } d ? SmtpStatusCatalog.DetailText(d.Subject, d.Detail) : null;
        // A generic outer code (x.4.0) says less than the nested reply it wraps.
        var interpretation = underlyingCode is { } u && enhanced is { Detail: 0 }
            ? PathInterpreter.Interpret(u, null)
            : PathInterpreter.Interpret(enhanced, replyCode);

        var action = dsn?.Action;
        var inferred = false;
        if (action is null)
        {
            inferred = true;
            action = statusClass switch
            {
                5 => "failed",

                // An expired message is final: the DSN for 4.4.7 reports it as failed.
                4 when enhanced is { Subject: 4, Detail: 7 } => "failed",
                4 => "delayed",
                2 => "delivered",
                _ => null,
            };
        }

        var recipient = dsn?.FinalRecipient ?? entry.Recipient;
        var domain = entry.RecipientDomain ?? DomainOf(recipient) ?? DomainOf(input);
        var log = LogDiagnosis.Of(entry, domain);
        var pointsAtPath = interpretation.PointsAtNetworkPath || PathSignatureCatalog.PointsAtPath(log.Signature);
        // Without a phrase the status code's own reading (and its commands) stays as it was.
        var useLog = log.Signature != PathSignature.None && log.Commands.Count > 0;
        var commands = useLog
            ? log.Commands.Select(c => c.CommandLine).ToArray()
            : interpretation.SuggestedCmdlets.Select(c => domain is null ? c : CommandFor(c, domain)).ToArray();
        var cmdlets = useLog
            ? log.Commands.Select(c => c.Cmdlet).Concat(interpretation.SuggestedCmdlets).Distinct().ToArray()
            : interpretation.SuggestedCmdlets.ToArray();

        return new SmtpStatusResult
        {
            InputText = Preview(input),
            ReplyCode = replyCode,
            EnhancedStatus = enhanced?.ToString(),
            Class = statusClass is int c ? SmtpStatusCatalog.ClassText(c) : null,
            Subject = enhanced is { } s ? SmtpStatusCatalog.SubjectText(s.Subject) : null,
            Detail = detail,
            ReplyMeaning = replyCode is int r ? SmtpStatusCatalog.ReplyCodeText(r) : null,
            UnderlyingStatus = underlying,
            IsTransient = isTransient,
            IsPermanent = isPermanent,
            Action = action,
            ActionInferred = inferred && action is not null,
            DiagnosticCode = dsn?.DiagnosticCode,
            RemoteMta = dsn?.RemoteMta ?? entry.RelayHost,
            ReportingMta = dsn?.ReportingMta,
            FinalRecipient = recipient,
            RecipientDomain = domain,
            // The generic "session lost" says less than a nested 4.4.2 reading; every other phrase says more.
            NetworkInterpretation = PathSignatureCatalog.Code(log.Signature) is null || (log.Signature == PathSignature.SessionLost && interpretation.PointsAtNetworkPath) ? interpretation.Text : PathSignatureCatalog.Meaning(log.Signature),
            PointsAtNetworkPath = pointsAtPath,
            SuggestedCmdlets = cmdlets,
            SuggestedCommands = commands,
            StatusInferred = statusInferred,
            Mta = entry.Mta,
            LogEntry = entry.Mta == MtaKind.Unknown ? null : entry,
            PathSignature = log.Signature,
            Phrase = log.Phrase?.Text,
            PhraseSource = log.Phrase?.Source,
            Incidents = Readable.List(PathSignatureCatalog.Incidents(log.Signature)),
            RelayHost = entry.RelayHost,
            RelayAddress = entry.RelayAddress,
            RemoteReply = entry.RemoteReply,
            NextCommands = Readable.List(log.Commands),
            Findings = BuildFindings(enhanced, replyCode, detail, statusClass, interpretation, commands, log, entry),
        };
    }

    private static List<Finding> BuildFindings(EnhancedStatusCode? enhanced, int? replyCode, string? detail, int? statusClass, PathInterpretation interpretation, string[] commands, LogDiagnosis log, MtaLogEntry entry)
    {
        var findings = new List<Finding>();
        if (PathSignatureCatalog.Code(log.Signature) is { } code)
        {
            findings.Add(LogFinding(code, log, entry));
        }

        var evidence = new Dictionary<string, object>();
        if (enhanced is { } e)
        {
            evidence["EnhancedStatus"] = e.ToString();
        }

        if (replyCode is int r)
        {
            evidence["ReplyCode"] = r;
        }

        var label = enhanced?.ToString() ?? replyCode?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var meaning = detail ?? (replyCode is int rc ? SmtpStatusCatalog.ReplyCodeText(rc) : null) ?? "unregistered code";
        var next = commands.Length > 0 ? "Run " + commands[0] + (commands.Length > 1 ? ", then " + string.Join(", ", commands.Skip(1)) : string.Empty) + "." : "Read the full reply text and the receiving server's logs.";

        if (enhanced is { Subject: 4, Detail: 7, Class: 4 or 5 })
        {
            findings.Add(Finding.Warning(FindingCodes.DeliveryTimeExpired, $"{label} {meaning}: the message expired in the queue; the first real failure is hidden.", next, evidence));
        }
        else if (statusClass == 4)
        {
            findings.Add(Finding.Warning(FindingCodes.TransientFailureStatus, $"{label} {meaning}: a temporary failure; the sender will retry.", next, evidence));
        }
        else if (statusClass == 5)
        {
            findings.Add(Finding.Error(FindingCodes.PermanentFailureStatus, $"{label} {meaning}: a permanent failure; the message was not delivered.", interpretation.PointsAtNetworkPath ? next : "Correct the address or ask the recipient's admins about their policy.", evidence));
        }

        if (enhanced is { } u && detail is null)
        {
            findings.Add(Finding.Info(FindingCodes.UnrecognisedStatus, $"{u} is not in the IANA registry (often a vendor-specific detail code); it was read by class and subject.", string.Empty, evidence));
        }

        return findings;
    }

    /// <summary>The phrase's finding: one wording per code, the line's particulars in the evidence.</summary>
    internal static Finding LogFinding(string code, LogDiagnosis log, MtaLogEntry entry)
    {
        var evidence = new Dictionary<string, object>();
        if (log.Phrase is { } phrase)
        {
            evidence["Phrase"] = phrase.Text;
        }

        evidence["Mta"] = entry.Mta.ToString();
        if (entry.RelayHost is { } host)
        {
            evidence["RelayHost"] = host;
        }

        if (entry.RelayAddress is { } address)
        {
            evidence["RelayAddress"] = address;
        }

        if (log.Domain is { } domain)
        {
            evidence["Domain"] = domain;
        }

        var next = log.Commands.Count > 0 ? "Run " + log.Commands[0].CommandLine + "." : "Run Test-MxPath on the recipient's domain.";
        return Finding.Warning(code, PathSignatureCatalog.Meaning(log.Signature), next, evidence);
    }

    private static string CommandFor(string cmdlet, string domain) => cmdlet switch
    {
        "Test-EdnsReachability" => "Test-EdnsReachability -Name " + domain,
        "Get-SmtpStageTiming" => "Test-MxPath -DomainName " + domain + " | Select-Object -ExpandProperty Hops | Get-SmtpStageTiming -MessageSize 100000",
        "Find-MtuBlackHole" => "Test-MxPath -DomainName " + domain + " | Select-Object -ExpandProperty Hops | Find-MtuBlackHole",
        _ => cmdlet + " -DomainName " + domain,
    };

    private static string? DomainOf(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var m = EmailAddress.Match(text);
        return m.Success ? m.Groups["domain"].Value.ToLowerInvariant() : null;
    }

    private static string? FirstToken(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var parts = value.Split(new[] { ' ', '\t', '(' }, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 ? parts[0] : null;
    }

    /// <summary>Enough of the input to say which one was meant, in a one-line error.</summary>
    private static string Shorten(string preview) => preview.Length <= 60 ? preview : preview.Substring(0, 57) + "...";

    private static string Preview(string input)
    {
        // One line, so tables and logs stay readable; the full text is the caller's.
        var oneLine = string.Join(" ", input.Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 300 ? oneLine : oneLine.Substring(0, 300) + "…";
    }
}
