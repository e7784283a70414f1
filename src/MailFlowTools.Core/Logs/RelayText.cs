using System;

namespace MailFlowTools.Core.Logs;

/// <summary>Small readers shared by the line parsers: host[address]:port, e-mail domains, quoted replies.</summary>
internal static class RelayText
{
    /// <summary>
    /// Reads "host[address]:port" (Postfix), "host [address]:port" (Exim, Sendmail, with Sendmail's trailing dot on
    /// the host), "[address]" or "none". Returns false for "none", "local" and transports without a host.
    /// </summary>
    public static bool TryParse(string text, out string? host, out string? address, out int? port)
    {
        host = null;
        address = null;
        port = null;
        var value = text.Trim();
        if (value.Length == 0 || value == "none" || value == "local")
        {
            return false;
        }

        var open = value.IndexOf('[');
        var close = open >= 0 ? value.IndexOf(']', open + 1) : -1;
        if (open >= 0 && close > open)
        {
            address = value.Substring(open + 1, close - open - 1);
            if (address.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
            {
                address = address.Substring(5);
            }

            host = value.Substring(0, open).Trim().TrimEnd('.');
            if (close + 1 < value.Length && value[close + 1] == ':' && int.TryParse(value.Substring(close + 2).TrimEnd(',', ':'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p))
            {
                port = p;
            }
        }
        else
        {
            host = value.TrimEnd('.');
        }

        if (host is { Length: 0 } || (host is not null && (host.IndexOf('/') >= 0 || host.IndexOf(' ') >= 0)))
        {
            host = null;
        }

        // Postfix writes an unknown reverse name as "unknown[address]".
        if (string.Equals(host, "unknown", StringComparison.OrdinalIgnoreCase))
        {
            host = null;
        }

        return host is not null || address is not null;
    }

    /// <summary>
    /// The first "name[address]" in free text (a Postfix or Sendmail reason), so that a line without relay=
    /// still names the host. Only a bracket right after a host-name character counts.
    /// </summary>
    public static bool TryFind(string text, out string? host, out string? address, out int? port)
    {
        host = null;
        address = null;
        port = null;
        var from = 0;
        while (from < text.Length)
        {
            var open = text.IndexOf('[', from);
            if (open <= 0)
            {
                return false;
            }

            var close = text.IndexOf(']', open + 1);
            if (close < 0)
            {
                return false;
            }

            var inner = text.Substring(open + 1, close - open - 1);
            if (LooksLikeAddress(inner))
            {
                var start = open;
                while (start > 0 && IsHostChar(text[start - 1]))
                {
                    start--;
                }

                var end = close + 1;
                if (end < text.Length && text[end] == ':')
                {
                    end++;
                    while (end < text.Length && char.IsDigit(text[end]))
                    {
                        end++;
                    }
                }

                return TryParse(text.Substring(start, end - start), out host, out address, out port);
            }

            from = close + 1;
        }

        return false;
    }

    public static string? DomainOf(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }

        var at = address!.LastIndexOf('@');
        if (at < 0 || at == address.Length - 1)
        {
            return null;
        }

        return address.Substring(at + 1).TrimEnd('>', '.').ToLowerInvariant();
    }

    private static bool IsHostChar(char c) => char.IsLetterOrDigit(c) || c == '.' || c == '-' || c == '_';

    private static bool LooksLikeAddress(string text)
    {
        if (text.Length < 2 || text.Length > 50)
        {
            return false;
        }

        var sawDigit = false;
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                sawDigit = true;
            }
            else if (!(c == '.' || c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'I' || c == 'P' || c == 'v'))
            {
                return false;
            }
        }

        return sawDigit;
    }
}
