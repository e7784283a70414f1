using System;
using System.Net;

namespace MailFlowTools.Core.MxPath;

/// <summary>One mail exchanger as the resolver found it: the MX record, where its name led, and its addresses.</summary>
public sealed class MxPathTarget
{
    public int Preference { get; init; }

    /// <summary>The MX target as published, without the trailing dot (for an implicit MX, the domain itself).</summary>
    public string Exchange { get; init; } = string.Empty;

    /// <summary>Set when <see cref="Exchange"/> is an alias (CNAME): the name the chain ended at.</summary>
    public string? CanonicalName { get; init; }

    /// <summary>The exchange is written as an IP address ("192.0.2.1", "[2001:db8::1]"), which an MX must not be.</summary>
    public bool IsAddressLiteral { get; init; }

    /// <summary>A records, in the order the resolver returned them.</summary>
    public IPAddress[] IPv4Addresses { get; init; } = Array.Empty<IPAddress>();

    /// <summary>AAAA records, in the order the resolver returned them.</summary>
    public IPAddress[] IPv6Addresses { get; init; } = Array.Empty<IPAddress>();

    /// <summary>The A lookup failed (not merely empty).</summary>
    public MxDnsError? IPv4Error { get; init; }

    /// <summary>The AAAA lookup failed (not merely empty).</summary>
    public MxDnsError? IPv6Error { get; init; }
}
