using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Exchange's own wording in a queue's LastError or a tracking RecipientStatus ("451 4.4.0 Primary target IP
/// address responded with: \"421 4.4.2 …\" … The last endpoint attempted was 203.0.113.5:25"), and Exchange
/// Online's enhanced codes with bracketed details ("451 4.4.316 Connection refused [Message=Socket error code
/// 10061] [LastAttemptedServerName=mx.example.test] [LastAttemptedIP=203.0.113.5:25]").
/// </summary>
internal static class ExchangeTextParser
{
    private static readonly string[] ServerMarkers = { "Primary target IP address responded with", "The last endpoint attempted was", "Winsock error code", "Attempted failover to alternate host", "SocketError", "DNS query failed" };

    public static MtaLogEntry? Parse(string text)
    {
        var online = text.IndexOf("[Message=", StringComparison.Ordinal) >= 0 || text.IndexOf("[LastAttempted", StringComparison.Ordinal) >= 0;
        if (!online && Array.TrueForAll(ServerMarkers, m => text.IndexOf(m, StringComparison.Ordinal) < 0))
        {
            return null;
        }

        string? host = Bracketed(text, "LastAttemptedServerName");
        string? address = null;
        int? port = null;
        var endpoint = Bracketed(text, "LastAttemptedIP") ?? EndpointAfter(text, "The last endpoint attempted was ");
        if (endpoint is not null)
        {
            SplitEndpoint(endpoint, out address, out port);
        }

        var message = Bracketed(text, "Message");
        var reply = RemoteReplyText.Find(text);
        if (reply is null && message is not null && RemoteReplyText.StartsWithReply(message))
        {
            reply = message;
        }

        return new MtaLogEntry
        {
            Mta = online ? MtaKind.ExchangeOnline : MtaKind.Exchange,
            RelayHost = host,
            RelayAddress = address,
            RelayPort = port,
            Disposition = DeliveryDisposition.Unknown,
            Reason = text.Trim(),
            RemoteReply = reply,
        };
    }

    /// <summary>The value of "[Key=value]".</summary>
    public static string? Bracketed(string text, string key)
    {
        var at = text.IndexOf("[" + key + "=", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + key.Length + 2;
        var end = text.IndexOf(']', start);
        var value = text.Substring(start, (end < 0 ? text.Length : end) - start).Trim();
        return value.Length == 0 ? null : value;
    }

    private static string? EndpointAfter(string text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var start = at + marker.Length;
        var end = start;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return text.Substring(start, end - start).TrimEnd('.', ',');
    }

    /// <summary>"203.0.113.5:25", "[2001:db8::5]:25" or a bare address.</summary>
    private static void SplitEndpoint(string endpoint, out string? address, out int? port)
    {
        port = null;
        address = endpoint;
        if (endpoint.StartsWith("[", StringComparison.Ordinal))
        {
            var close = endpoint.IndexOf(']');
            address = close > 0 ? endpoint.Substring(1, close - 1) : endpoint.Trim('[');
            if (close > 0 && close + 1 < endpoint.Length && endpoint[close + 1] == ':' && int.TryParse(endpoint.Substring(close + 2), out var p))
            {
                port = p;
            }

            return;
        }

        var colon = endpoint.LastIndexOf(':');
        if (colon > 0 && endpoint.IndexOf(':') == colon && int.TryParse(endpoint.Substring(colon + 1), out var q))
        {
            address = endpoint.Substring(0, colon);
            port = q;
        }
    }
}
