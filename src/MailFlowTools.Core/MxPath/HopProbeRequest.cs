using System;
using System.Net;

namespace MailFlowTools.Core.MxPath;

/// <summary>One address to probe: connect, banner, EHLO, STARTTLS when offered, optionally MAIL and RCPT; never DATA.</summary>
public sealed class HopProbeRequest
{
    public HopProbeRequest(IPAddress address, int port, string exchange)
    {
        Address = address;
        Port = port;
        Exchange = exchange;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    /// <summary>The MX host name (TLS server name and transcript label).</summary>
    public string Exchange { get; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the 220 greeting after the connection is up.</summary>
    public TimeSpan BannerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for each later reply (EHLO, STARTTLS and its handshake, MAIL, RCPT).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When set, MAIL FROM:&lt;&gt; and RCPT TO this address are sent, then QUIT. No DATA, ever.</summary>
    public string? Recipient { get; init; }

    /// <summary>Identifies the session in transcripts.</summary>
    public string SessionId { get; init; } = string.Empty;
}
