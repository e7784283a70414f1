using System;
using System.Collections.Generic;
using System.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>One authoritative server of a zone and its addresses.</summary>
public sealed class NameServerInfo
{
    public string Name { get; init; } = string.Empty;

    public IReadOnlyList<IPAddress> Addresses { get; init; } = Array.Empty<IPAddress>();

    /// <summary>Why the server's addresses could not be found, when <see cref="Addresses"/> is empty.</summary>
    public DnsLookupError AddressError { get; init; }
}
