using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>A probe to send: kind, transport and the EDNS content of its query.</summary>
internal sealed class EdnsProbePlan
{
    public EdnsProbePlan(EdnsProbeKind kind, DnsTransport transport, int bufferSize, bool dnssecOk)
    {
        Kind = kind;
        Transport = transport;
        BufferSize = bufferSize;
        DnssecOk = dnssecOk;
    }

    public EdnsProbeKind Kind { get; }

    public DnsTransport Transport { get; }

    /// <summary>0 sends no OPT record.</summary>
    public int BufferSize { get; }

    public bool DnssecOk { get; }

    public byte Version { get; init; }

    public ushort ExtraFlags { get; init; }

    public IReadOnlyList<EdnsOption> Options { get; init; } = Array.Empty<EdnsOption>();
}
