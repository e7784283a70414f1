using System;
using System.Globalization;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Net;

/// <summary>Validation and normalisation of domain and host names given by users.</summary>
public static class DomainNames
{
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

        string candidate;
        try
        {
            candidate = Idn.GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException ex)
        {
            reason = "it cannot be converted to an ASCII (punycode) name (" + ex.Message.TrimEnd('.') + ").";
            return false;
        }

        if (candidate.Length > 253)
        {
            reason = "it is longer than 253 characters.";
            return false;
        }

        foreach (var label in candidate.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                reason = "every label must be 1 to 63 characters long.";
                return false;
            }

            foreach (var c in label)
            {
                // Underscore is allowed: service labels (_25._tcp) are valid DNS names even if not host names.
                var ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok)
                {
                    reason = $"the character '{c}' is not allowed in a DNS label.";
                    return false;
                }
            }

            if (label[0] == '-' || label[label.Length - 1] == '-')
            {
                reason = "a label may not start or end with a hyphen.";
                return false;
            }
        }

        ascii = candidate;
        return true;
    }
}
