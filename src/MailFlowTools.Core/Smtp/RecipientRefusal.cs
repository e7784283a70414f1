using System.Collections.Generic;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// The RecipientRefused finding: a 5xx to RCPT TO. The session got that far, so the path and the server work;
/// the refusal is the server's recipient policy (e.g. OpenSMTPD qualifies a bare "postmaster" with its own host
/// name and refuses it). Info when the tool chose the address, Warning when the caller named it: then the
/// caller's mail to it will bounce. Never Error: nothing on the path is wrong.
/// </summary>
public static class RecipientRefusal
{
    public static Finding Finding(string recipient, SmtpReply reply, bool chosenByTool)
    {
        var replyText = (reply.Code + (reply.EnhancedStatus is null ? string.Empty : " " + reply.EnhancedStatus) + " " + reply.Text).Trim();
        var evidence = new Dictionary<string, object>
        {
            ["Recipient"] = recipient,
            ["Reply"] = replyText,
            ["ChosenByTool"] = chosenByTool,
        };
        return new Finding(
            FindingCodes.RecipientRefused,
            chosenByTool ? FindingSeverity.Info : FindingSeverity.Warning,
            $"The server refused the recipient <{recipient}> ({replyText}); everything before RCPT worked, so this is the server's recipient policy, not a path fault.",
            "Name a recipient the server accepts with -To (for a domain, postmaster@domain); if this is your real recipient, fix the address or the server's recipient table.",
            evidence);
    }
}
