using System;
using System.Globalization;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Net;

/// <summary>Validation and normalisation of domain and host names given by users.</summary>
public static class DomainNames
{
    public const int MaxNameLength = 253;
    public const int MaxLabelLength = 63;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = false, AllowUnassigned = false };

    /// <summary>
    /// Returns the lower-case ASCII (punycode) form without a trailing dot, or throws an invalid-argument
    /// <see cref="MailFlowException"/> with <see cref="ErrorIds.InvalidDomainName"/>.
    /// </summary>
    public static string Normalize(string? name, string parameterName = "DomainName")
    {
        if (!TryNormalize(name, out var ascii, out var reason))
        {
            throw MailFlowException.InvalidArgument(
                ErrorIds.InvalidDomainName,
                $"'{name}' is not a valid domain name for -{parameterName}: {reason}",
                name);
        }

        return ascii;
    }

    /// <summary>
    /// Checks a DNS name and converts an internationalised one (bücher.example) to its A-label form
    /// (xn--bcher-kva.example). <paramref name="reason"/> says what is wrong in one sentence, naming the rule:
    /// labels 1-63 characters, names up to 253, letters, digits, hyphen and underscore, no hyphen at a label's
    /// start or end, valid punycode in xn-- labels, and no IP address in place of a name.
    /// </summary>
    public static bool TryNormalize(string? name, out string ascii, out string reason)
    {
        ascii = string.Empty;
        reason = string.Empty;
        var trimmed = (name ?? string.Empty).Trim();
        if (trimmed.EndsWith(".", StringComparison.Ordinal))
        {
            trimmed = trimmed.Substring(0, trimmed.Length - 1);
        }

        if (trimmed.Length == 0)
        {
            reason = "the name is empty.";
            return false;
        }

        if (IsAddress(trimmed))
        {
            reason = "it is an IP address, not a domain name (give the name, or use a command that takes an address).";
            return false;
        }

        if (trimmed.Split('.').Any(l => l.Length == 0))
        {
            reason = "it has an empty label (two dots in a row, or a leading dot).";
            return false;
        }

        var candidate = trimmed;
        if (trimmed.Any(c => c > 0x7f))
        {
            try
            {
                candidate = Idn.GetAscii(trimmed);
            }
            catch (ArgumentException)
            {
                reason = "it is not a valid internationalised name: it cannot be converted to an ASCII (punycode) A-label under IDNA.";
                return false;
            }
        }

        candidate = candidate.ToLowerInvariant();
        if (candidate.Length > MaxNameLength)
        {
            reason = FormattableString.Invariant($"it is {candidate.Length} characters long{(candidate == trimmed.ToLowerInvariant() ? string.Empty : " as punycode")}; a name may have at most {MaxNameLength}.");
            return false;
        }

        var labels = candidate.Split('.');
        foreach (var label in labels)
        {
            if (label.Length > MaxLabelLength)
            {
                reason = FormattableString.Invariant($"the label '{Shorten(label)}' is {label.Length} characters long; labels may have 1 to {MaxLabelLength}.");
                return false;
            }

            foreach (var c in label)
            {
                // Underscore is allowed: service labels (_25._tcp) are valid DNS names even if not host names.
                var ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok)
                {
                    reason = $"the character '{c}' is not allowed in a DNS label (letters, digits, hyphen and underscore only).";
                    return false;
                }
            }

            if (label[0] == '-' || label[label.Length - 1] == '-')
            {
                reason = $"the label '{Shorten(label)}' starts or ends with a hyphen.";
                return false;
            }

            if (label.StartsWith("xn--", StringComparison.Ordinal) && !IsValidALabel(label))
            {
                reason = $"the label '{Shorten(label)}' starts with xn-- but is not valid punycode (an IDNA A-label).";
                return false;
            }
        }

        if (labels.Length > 1 && labels[labels.Length - 1].All(c => c >= '0' && c <= '9'))
        {
            // RFC 3696 §2: a top-level label is never all digits, so this is an address written as a name.
            reason = "its last label is all digits, so it is an IP address, not a domain name.";
            return false;
        }

        ascii = candidate;
        return true;
    }

    /// <summary>'name' for messages, with its A-label when that differs: 'bücher.example' (xn--bcher-kva.example).</summary>
    public static string Quote(string name, string ascii) =>
        string.Equals((name ?? string.Empty).Trim().TrimEnd('.'), ascii, StringComparison.OrdinalIgnoreCase) ? $"'{name}'" : $"'{name}' ({ascii})";

    private static bool IsAddress(string text)
    {
        var bare = text.StartsWith("[", StringComparison.Ordinal) && text.EndsWith("]", StringComparison.Ordinal) ? text.Substring(1, text.Length - 2) : text;
        if (bare.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            bare = bare.Substring(5);
        }

        // IPAddress.TryParse also takes "1" or "1.2"; only dotted quads and anything with a colon count here.
        return IPAddress.TryParse(bare, out var address)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || bare.Count(c => c == '.') == 3);
    }

    private static bool IsValidALabel(string label)
    {
        try
        {
            var unicode = Idn.GetUnicode(label);
            return !string.Equals(unicode, label, StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Shorten(string label) => label.Length <= 20 ? label : label.Substring(0, 17) + "...";
}
