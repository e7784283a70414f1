using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns;

/// <summary>One mail exchanger in the order a sender must try it.</summary>
public sealed class MxTarget
{
    public int Preference { get; init; }

    /// <summary>The exchange name as published (ASCII, no trailing dot).</summary>
    public string Exchange { get; init; } = string.Empty;

    /// <summary>The exchange is an alias; RFC 5321 §5.1 and RFC 2181 §10.3 forbid that.</summary>
    public bool IsCname { get; init; }

    /// <summary>Where the alias chain ends (equals <see cref="Exchange"/> when not a CNAME).</summary>
    public string CanonicalName { get; init; } = string.Empty;

    /// <summary>The exchange looks like an IP address ("192.0.2.1" or "[2001:db8::1]"), which an MX must not be.</summary>
    public bool IsAddressLiteral { get; init; }

    /// <summary>IPv4 first, then IPv6, each in the order the resolver gave them.</summary>
    public IReadOnlyList<MxAddress> Addresses { get; init; } = Array.Empty<MxAddress>();

    /// <summary>Why the address lookup failed; None when addresses were found or the name simply has none.</summary>
    public DnsLookupError AddressError { get; init; }

    public DnsLookupError Ipv4Error { get; init; }

    public DnsLookupError Ipv6Error { get; init; }

    public override string ToString() => Preference + " " + Exchange;
}
