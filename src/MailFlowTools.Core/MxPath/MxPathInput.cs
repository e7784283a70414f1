using System;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Net;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Reads the domain names Test-MxPath is given: plain names, the DomainName of Get-AcceptedDomain
/// ("*.contoso.com" for a domain with subdomains), the NextHopDomain of Get-Queue, or an address (user@domain).
/// </summary>
public static class MxPathInput
{
    /// <summary>Returns the lower-case ASCII domain, or a non-terminating InvalidDomainName error.</summary>
    public static bool TryNormalize(string? input, out string domain, out MailFlowException? error)
    {
        domain = string.Empty;
        error = null;
        var text = (input ?? string.Empty).Trim();
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            text = text.Substring(at + 1);
        }

        // An accepted domain with subdomains reads "*.contoso.com": its mail is routed like contoso.com's.
        if (text.StartsWith("*.", StringComparison.Ordinal))
        {
            text = text.Substring(2);
        }

        if (!DomainNames.TryNormalize(text, out var ascii, out var reason))
        {
            error = new MailFlowException(ErrorIds.InvalidDomainName, MailFlowErrorCategory.InvalidArgument, $"'{input}' is not a valid domain name for -DomainName: {reason}", input);
            return false;
        }

        if (ascii.IndexOf('.') < 0)
        {
            // Get-Queue also lists internal queues ("Submission", "Unreachable") whose next hop is no domain.
            error = new MailFlowException(
                ErrorIds.InvalidDomainName,
                MailFlowErrorCategory.InvalidArgument,
                $"'{input}' is a single-label name, not a mail domain, for -DomainName (from Get-Queue, keep only delivery queues: Where-Object DeliveryType -eq DnsConnectorDelivery).",
                input);
            return false;
        }

        domain = ascii;
        return true;
    }

    /// <summary>
    /// Checks a -Recipient value: an address, or a bare local part ("postmaster") that is completed with each
    /// domain tested. Nothing that could inject SMTP commands. Throws an invalid-invocation error, because it
    /// applies to every domain.
    /// </summary>
    public static string? NormalizeRecipient(string? recipient)
    {
        if (string.IsNullOrWhiteSpace(recipient))
        {
            return null;
        }

        var text = recipient!.Trim().TrimStart('<').TrimEnd('>');
        var at = text.LastIndexOf('@');
        var ok = text.Length is > 0 and <= 254 && at != 0 && at != text.Length - 1;
        foreach (var c in text)
        {
            if (c <= ' ' || c == '<' || c == '>' || c == 0x7f)
            {
                ok = false;
            }
        }

        if (!ok)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidAddress, $"'{recipient}' is not a valid recipient for -Recipient (expected local-part@domain, or a local part such as postmaster).", recipient);
        }

        return text;
    }

    /// <summary>The recipient to try at one domain: the address as given, or the local part at that domain.</summary>
    public static string? RecipientFor(string? recipient, string domain) =>
        recipient is null ? null : recipient.IndexOf('@') >= 0 ? recipient : recipient + "@" + domain;
}
