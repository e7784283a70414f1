using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Finds the remote server's own SMTP reply inside an MTA's reason text, so the two are never mixed:
/// Postfix "host … said: 550 … (in reply to RCPT TO command)" and "refused to talk to me: 421 …", Exim
/// "SMTP error from remote mail server after RCPT TO:&lt;…&gt;: 550 …", Exchange "responded with: \"421 4.4.2 …\"",
/// and a reply that starts the text (Sendmail's "Deferred: 421 …").
/// </summary>
internal static class RemoteReplyText
{
    private static readonly string[] Markers = { " said: ", "refused to talk to me: ", "responded with: " };

    /// <param name="reason">The MTA's text.</param>
    /// <param name="bare">True when a reply that starts the text is the remote's (Sendmail's stat=); false when the
    /// text is the MTA's own reply (Exchange's LastError starts with its own "451 4.4.0").</param>
    public static string? Find(string reason, bool bare = false)
    {
        foreach (var marker in Markers)
        {
            var at = reason.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                return Clean(reason.Substring(at + marker.Length));
            }
        }

        var exim = reason.IndexOf("remote mail server after ", StringComparison.Ordinal);
        if (exim >= 0)
        {
            var colon = reason.IndexOf(": ", exim + 25, StringComparison.Ordinal);
            return colon < 0 ? null : Clean(reason.Substring(colon + 2));
        }

        return bare && StartsWithReply(reason) ? Clean(reason) : null;
    }

    /// <summary>"421 …", "550-…" or "451 4.4.0 …": a three-digit reply code at the start.</summary>
    public static bool StartsWithReply(string text) =>
        text.Length >= 4 && text[0] >= '2' && text[0] <= '5' && char.IsDigit(text[1]) && char.IsDigit(text[2]) && (text[3] == ' ' || text[3] == '-');

    private static string? Clean(string text)
    {
        var reply = text.Trim();
        if (reply.Length > 0 && reply[0] == '"')
        {
            var end = reply.IndexOf('"', 1);
            reply = end > 0 ? reply.Substring(1, end - 1) : reply.Substring(1);
        }

        // Postfix adds the command the reply answered; it is Postfix's note, not the server's words.
        var note = reply.LastIndexOf(" (in reply to ", StringComparison.Ordinal);
        if (note > 0)
        {
            reply = reply.Substring(0, note);
        }

        reply = reply.TrimEnd(')', ' ');
        return StartsWithReply(reply) ? reply : null;
    }

    /// <summary>Postfix's "(in reply to RCPT TO command)": the command the reply answered.</summary>
    public static string? InReplyTo(string reason)
    {
        var at = reason.LastIndexOf("(in reply to ", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var end = reason.IndexOf(" command", at, StringComparison.Ordinal);
        return end < 0 ? null : reason.Substring(at + 13, end - at - 13);
    }
}
