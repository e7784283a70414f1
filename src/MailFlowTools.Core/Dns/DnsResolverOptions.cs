using System;
using System.Collections.Generic;
using System.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>How <see cref="DnsResolver"/> asks: which servers, how long, and with what EDNS.</summary>
public sealed class DnsResolverOptions
{
    /// <summary>Servers to ask, in order. Empty: the system's resolvers (<see cref="SystemDnsServers"/>).</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; init; } = Array.Empty<IPEndPoint>();

    /// <summary>Wait for one query on one server.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Rounds over the server list before giving up.</summary>
    public int Attempts { get; init; } = 2;

    /// <summary>EDNS buffer advertised over UDP; 1232 is the DNS Flag Day 2020 value. 0 sends no EDNS.</summary>
    public int UdpBufferSize { get; init; } = 1232;

    public bool DnssecOk { get; init; }

    /// <summary>Skip UDP and ask over TCP only.</summary>
    public bool TcpOnly { get; init; }

    /// <summary>
    /// One batch's kept answers for names its domains share (MX hosts' addresses and TLSA records), asked through
    /// <see cref="DnsResolver.SharedLookupAsync"/> and <see cref="DnsResolver.SharedQueryAsync"/>. Null: asked every time.
    /// </summary>
    public DnsAnswerCache? SharedAnswers { get; init; }

    public static DnsResolverOptions ForServers(params IPEndPoint[] servers) => new() { Servers = servers };
}
