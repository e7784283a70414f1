using System.Collections.Generic;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>
/// Meanings of RFC 3463 enhanced status codes (with the later IANA registry additions) and RFC 5321 reply codes.
/// </summary>
public static class SmtpStatusCatalog
{
    private static readonly Dictionary<int, string> Classes = new()
    {
        [2] = "Success",
        [4] = "Persistent transient failure",
        [5] = "Permanent failure",
    };

    private static readonly Dictionary<int, string> Subjects = new()
    {
        [0] = "Other or undefined status",
        [1] = "Addressing status",
        [2] = "Mailbox status",
        [3] = "Mail system status",
        [4] = "Network and routing status",
        [5] = "Mail delivery protocol status",
        [6] = "Message content or media status",
        [7] = "Security or policy status",
    };

    private static readonly Dictionary<(int Subject, int Detail), string> Details = new()
    {
        [(0, 0)] = "Other undefined status",
        [(1, 0)] = "Other address status",
        [(1, 1)] = "Bad destination mailbox address",
        [(1, 2)] = "Bad destination system address",
        [(1, 3)] = "Bad destination mailbox address syntax",
        [(1, 4)] = "Destination mailbox address ambiguous",
        [(1, 5)] = "Destination address valid",
        [(1, 6)] = "Destination mailbox has moved, no forwarding address",
        [(1, 7)] = "Bad sender's mailbox address syntax",
        [(1, 8)] = "Bad sender's system address",
        [(1, 9)] = "Message relayed to non-compliant mailer",
        [(1, 10)] = "Recipient address has null MX",
        [(2, 0)] = "Other or undefined mailbox status",
        [(2, 1)] = "Mailbox disabled, not accepting messages",
        [(2, 2)] = "Mailbox full",
        [(2, 3)] = "Message length exceeds administrative limit",
        [(2, 4)] = "Mailing list expansion problem",
        [(3, 0)] = "Other or undefined mail system status",
        [(3, 1)] = "Mail system full",
        [(3, 2)] = "System not accepting network messages",
        [(3, 3)] = "System not capable of selected features",
        [(3, 4)] = "Message too big for system",
        [(3, 5)] = "System incorrectly configured",
        [(4, 0)] = "Other or undefined network or routing status",
        [(4, 1)] = "No answer from host",
        [(4, 2)] = "Bad connection",
        [(4, 3)] = "Directory server failure",
        [(4, 4)] = "Unable to route",
        [(4, 5)] = "Mail system congestion",
        [(4, 6)] = "Routing loop detected",
        [(4, 7)] = "Delivery time expired",
        [(5, 0)] = "Other or undefined protocol status",
        [(5, 1)] = "Invalid command",
        [(5, 2)] = "Syntax error",
        [(5, 3)] = "Too many recipients",
        [(5, 4)] = "Invalid command arguments",
        [(5, 5)] = "Wrong protocol version",
        [(5, 6)] = "Authentication exchange line is too long",
        [(6, 0)] = "Other or undefined media error",
        [(6, 1)] = "Media not supported",
        [(6, 2)] = "Conversion required and prohibited",
        [(6, 3)] = "Conversion required but not supported",
        [(6, 4)] = "Conversion with loss performed",
        [(6, 5)] = "Conversion failed",
        [(6, 6)] = "Message content not available",
        [(6, 7)] = "Non-ASCII addresses not permitted for that sender or recipient",
        [(6, 8)] = "UTF-8 string reply is required, but not permitted by the SMTP client",
        [(6, 9)] = "UTF-8 header message cannot be transferred to one or more recipients",
        [(7, 0)] = "Other or undefined security status",
        [(7, 1)] = "Delivery not authorized, message refused",
        [(7, 2)] = "Mailing list expansion prohibited",
        [(7, 3)] = "Security conversion required but not possible",
        [(7, 4)] = "Security features not supported",
        [(7, 5)] = "Cryptographic failure",
        [(7, 6)] = "Cryptographic algorithm not supported",
        [(7, 7)] = "Message integrity failure",
        [(7, 8)] = "Authentication credentials invalid",
        [(7, 9)] = "Authentication mechanism is too weak",
        [(7, 10)] = "Encryption needed",
        [(7, 11)] = "Encryption required for requested authentication mechanism",
        [(7, 12)] = "A password transition is needed",
        [(7, 13)] = "User account disabled",
        [(7, 14)] = "Trust relationship required",
        [(7, 15)] = "Priority level is too low",
        [(7, 16)] = "Message is too big for the specified priority",
        [(7, 17)] = "Mailbox owner has changed",
        [(7, 18)] = "Domain owner has changed",
        [(7, 19)] = "RRVS test cannot be completed",
        [(7, 20)] = "No passing DKIM signature found",
        [(7, 21)] = "No acceptable DKIM signature found",
        [(7, 22)] = "No valid author-matched DKIM signature found",
        [(7, 23)] = "SPF validation failed",
        [(7, 24)] = "SPF validation error",
        [(7, 25)] = "Reverse DNS validation failed",
        [(7, 26)] = "Multiple authentication checks failed",
        [(7, 27)] = "Sender address has null MX",
        [(7, 28)] = "Mail flood detected",
        [(7, 29)] = "ARC validation failure",
        [(7, 30)] = "REQUIRETLS support required",
    };

    private static readonly Dictionary<int, string> ReplyCodes = new()
    {
        [211] = "System status or help reply",
        [214] = "Help message",
        [220] = "Service ready",
        [221] = "Service closing transmission channel",
        [235] = "Authentication succeeded",
        [250] = "Requested mail action okay, completed",
        [251] = "User not local; will forward",
        [252] = "Cannot verify the user, but will accept the message and attempt delivery",
        [334] = "Authentication challenge",
        [354] = "Start mail input; end with <CRLF>.<CRLF>",
        [421] = "Service not available, closing transmission channel",
        [432] = "A password transition is needed",
        [450] = "Requested mail action not taken: mailbox unavailable (busy or temporarily blocked)",
        [451] = "Requested action aborted: local error in processing",
        [452] = "Requested action not taken: insufficient system storage",
        [454] = "Temporary authentication failure, or TLS not available",
        [455] = "Server unable to accommodate parameters",
        [500] = "Syntax error, command unrecognized",
        [501] = "Syntax error in parameters or arguments",
        [502] = "Command not implemented",
        [503] = "Bad sequence of commands",
        [504] = "Command parameter not implemented",
        [521] = "Host does not accept mail",
        [530] = "Authentication required",
        [534] = "Authentication mechanism is too weak",
        [535] = "Authentication credentials invalid",
        [538] = "Encryption required for requested authentication mechanism",
        [550] = "Requested action not taken: mailbox unavailable (not found, no access, or rejected for policy)",
        [551] = "User not local",
        [552] = "Requested mail action aborted: exceeded storage allocation",
        [553] = "Requested action not taken: mailbox name not allowed",
        [554] = "Transaction failed (or, as a greeting, no SMTP service here)",
        [555] = "MAIL FROM/RCPT TO parameters not recognized or not implemented",
        [556] = "Domain does not accept mail (null MX)",
    };

    public static string? ClassText(int @class) => Classes.TryGetValue(@class, out var t) ? t : null;

    public static string? SubjectText(int subject) => Subjects.TryGetValue(subject, out var t) ? t : null;

    /// <summary>Meaning of subject.detail, or null when the registry has no entry (e.g. vendor codes like 4.4.316).</summary>
    public static string? DetailText(int subject, int detail) => Details.TryGetValue((subject, detail), out var t) ? t : null;

    public static string? ReplyCodeText(int replyCode) => ReplyCodes.TryGetValue(replyCode, out var t) ? t : null;
}
