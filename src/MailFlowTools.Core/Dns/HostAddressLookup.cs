using System;
using System.Collections.Generic;
using System.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>A and AAAA for one host, asked in parallel.</summary>
public sealed class HostAddressLookup
{
    public string Host { get; init; } = string.Empty;

    public IReadOnlyList<IPAddress> Addresses { get; init; } = Array.Empty<IPAddress>();

    public DnsLookupError Ipv4Error { get; init; }

    public DnsLookupError Ipv6Error { get; init; }

    /// <summary>None when any address was found or both families answered with no data; else the IPv4 error, or the IPv6 one.</summary>
    public DnsLookupError Error => Addresses.Count > 0 ? DnsLookupError.None : Ipv4Error != DnsLookupError.None ? Ipv4Error : Ipv6Error;

    /// <summary>The host name is an alias (CNAME).</summary>
    public bool IsCname { get; init; }

    public string CanonicalName { get; init; } = string.Empty;

    public double ElapsedMs { get; init; }
}
