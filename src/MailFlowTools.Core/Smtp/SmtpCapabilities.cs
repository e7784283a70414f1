using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MailFlowTools.Core.Smtp;

/// <summary>The service extensions a server lists in its EHLO reply (RFC 5321 §4.1.1.1).</summary>
public sealed class SmtpCapabilities
{
    public static readonly SmtpCapabilities None = new(Array.Empty<string>());

    private SmtpCapabilities(string[] keywords)
    {
        Keywords = keywords;
    }

    /// <summary>Every extension line as sent, e.g. "SIZE 10240000", "AUTH PLAIN LOGIN".</summary>
    public string[] Keywords { get; }

    public bool Pipelining { get; private set; }

    public bool Size { get; private set; }

    /// <summary>The SIZE limit in bytes; null when not given, 0 when the server declares no fixed limit.</summary>
    public long? SizeLimit { get; private set; }

    public bool StartTls { get; private set; }

    public bool EightBitMime { get; private set; }

    public bool Chunking { get; private set; }

    public bool SmtpUtf8 { get; private set; }

    public bool EnhancedStatusCodes { get; private set; }

    public bool Dsn { get; private set; }

    public string[] AuthMechanisms { get; private set; } = Array.Empty<string>();

    public bool Has(string keyword) => Keywords.Any(k => k.Split(' ')[0].Equals(keyword, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the extension lines: every line of a 250 EHLO reply after the first (the greeting).</summary>
    public static SmtpCapabilities FromEhloReply(SmtpReply reply)
    {
        if (reply is null || !reply.IsPositiveCompletion || reply.Lines.Count < 2)
        {
            return None;
        }

        var caps = new SmtpCapabilities(reply.Lines.Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray());
        var auth = new List<string>();
        foreach (var line in caps.Keywords)
        {
            var parts = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            var keyword = parts[0].ToUpperInvariant();

            // Old servers write "AUTH=LOGIN PLAIN".
            if (keyword.StartsWith("AUTH=", StringComparison.Ordinal))
            {
                auth.Add(keyword.Substring(5));
                auth.AddRange(parts.Skip(1).Select(p => p.ToUpperInvariant()));
                continue;
            }

            switch (keyword)
            {
                case "PIPELINING": caps.Pipelining = true; break;
                case "STARTTLS": caps.StartTls = true; break;
                case "8BITMIME": caps.EightBitMime = true; break;
                case "CHUNKING": caps.Chunking = true; break;
                case "SMTPUTF8": caps.SmtpUtf8 = true; break;
                case "ENHANCEDSTATUSCODES": caps.EnhancedStatusCodes = true; break;
                case "DSN": caps.Dsn = true; break;
                case "AUTH": auth.AddRange(parts.Skip(1).Select(p => p.ToUpperInvariant())); break;
                case "SIZE":
                    caps.Size = true;
                    if (parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                    {
                        caps.SizeLimit = limit;
                    }

                    break;
            }
        }

        caps.AuthMechanisms = auth.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        return caps;
    }
}
