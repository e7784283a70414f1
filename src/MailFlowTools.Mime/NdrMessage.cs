using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using MailFlowTools.Core.Smtp.Status;
using MimeKit;
using MimeKit.Utils;

namespace MailFlowTools.Mime;

/// <summary>
/// Reads a bounce that arrives as a MIME message (a saved .eml, a multipart/report DSN): MimeKit decodes the
/// transfer encodings (base64, quoted-printable), charsets and encoded words, and each recipient block of the
/// message/delivery-status part becomes its own DSN text, so several recipients with different statuses give one
/// result each. Anything that is not a MIME message (a pasted reply, a queue's LastError, a DSN snippet) passes
/// through unchanged to the text path.
/// </summary>
public static class NdrMessage
{
    // A MIME message starts with a header block that names its content: MIME-Version or Content-Type.
    private static readonly Regex MimeHeader = new(
        @"^(?:MIME-Version|Content-Type)[ \t]*:",
        RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1));

    private static readonly string[] PerRecipientFields = { "Original-Recipient", "Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code", "Last-Attempt-Date", "Will-Retry-Until" };

    /// <summary>One DSN text per recipient for a MIME bounce; the input itself for anything else.</summary>
    public static IReadOnlyList<string> Split(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !IsMimeMessage(text!))
        {
            return new[] { text ?? string.Empty };
        }

        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            message = MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            // Not parseable as MIME after all: the text path still finds what it can.
            return new[] { text! };
        }

        var reports = message.BodyParts.OfType<MessageDeliveryStatus>().ToList();
        var recipients = reports.SelectMany(RecipientTexts).ToList();
        if (recipients.Count > 0)
        {
            return recipients;
        }

        // No machine-readable part (many Exchange and hand-made bounces): the decoded human-readable text.
        var body = string.Join("\n", message.BodyParts.OfType<TextPart>().Where(p => !p.IsAttachment).Select(p => p.Text));
        var subject = message.Subject ?? string.Empty;
        var decoded = (subject.Length > 0 ? "Subject: " + subject + "\n" : string.Empty) + body;
        return new[] { string.IsNullOrWhiteSpace(decoded) ? text! : decoded };
    }

    /// <summary>Every status of the input: one per recipient of a MIME bounce, else the one the text path finds.</summary>
    public static IReadOnlyList<SmtpStatusResult> Resolve(string? text) => Split(text).Select(SmtpStatusResolver.Resolve).ToList();

    /// <summary>A header block at the top that declares MIME (MIME-Version or Content-Type).</summary>
    public static bool IsMimeMessage(string text)
    {
        var normalized = text.Replace("\r\n", "\n").TrimStart();
        var end = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = end < 0 ? normalized : normalized.Substring(0, end);

        // Every line of the block is a header field or a folded continuation of one.
        var lines = headers.Split('\n');
        var looksLikeHeaders = lines.All(l => l.Length == 0 || l[0] is ' ' or '\t' || Regex.IsMatch(l, @"^[!-9;-~]+[ \t]*:", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        return looksLikeHeaders && MimeHeader.IsMatch(headers);
    }

    private static IEnumerable<string> RecipientTexts(MessageDeliveryStatus report)
    {
        var groups = report.StatusGroups;
        if (groups.Count < 2)
        {
            yield break;
        }

        var perMessage = groups[0];
        for (var i = 1; i < groups.Count; i++)
        {
            var sb = new StringBuilder();
            Append(sb, perMessage, "Reporting-MTA");
            foreach (var field in PerRecipientFields)
            {
                Append(sb, groups[i], field);
            }

            if (sb.Length > 0)
            {
                yield return sb.ToString();
            }
        }
    }

    private static void Append(StringBuilder sb, HeaderList fields, string name)
    {
        var value = fields[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        // Unfolded, and any encoded words (RFC 2047) decoded: the text path reads one line per field.
        var decoded = Rfc2047.DecodeText(Encoding.UTF8.GetBytes(value));
        sb.Append(name).Append(": ").Append(Regex.Replace(decoded, @"\s*\r?\n\s*", " ", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).Trim()).Append('\n');
    }
}
