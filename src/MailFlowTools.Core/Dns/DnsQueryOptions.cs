using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns;

/// <summary>How to build a query: flags and the EDNS part.</summary>
public sealed class DnsQueryOptions
{
    public bool RecursionDesired { get; init; } = true;

    public bool CheckingDisabled { get; init; }

    /// <summary>Advertised UDP buffer; 0 sends no OPT record at all.</summary>
    public int EdnsBufferSize { get; init; } = 1232;

    public bool DnssecOk { get; init; }

    public byte EdnsVersion { get; init; }

    /// <summary>Extra EDNS flag bits beyond DO (compliance probes set an undefined one).</summary>
    public ushort ExtraEdnsFlags { get; init; }

    public IReadOnlyList<EdnsOption> EdnsOptions { get; init; } = Array.Empty<EdnsOption>();

    /// <summary>A fixed ID for tests; null draws a random one.</summary>
    public ushort? Id { get; init; }
}
