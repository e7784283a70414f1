using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns;

/// <summary>The zone that holds a name and the zone's name servers with their addresses.</summary>
public sealed class AuthoritativeServers
{
    /// <summary>The name asked about.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The zone apex that holds <see cref="Name"/>; empty when not found.</summary>
    public string Zone { get; init; } = string.Empty;

    public IReadOnlyList<NameServerInfo> NameServers { get; init; } = Array.Empty<NameServerInfo>();

    public DnsLookupError Error { get; init; }

    public string? ErrorMessage { get; init; }
}
