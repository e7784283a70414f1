using System;
using System.Collections.Generic;
using System.Net;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Tests.Dns;

namespace MailFlowTools.Tests.Robustness;

/// <summary>One hostile DNS behaviour on one transport, and the probe outcomes that count as handled.</summary>
internal sealed record HostileDnsCase(string Name, DnsTransport Transport, Func<DnsMessage, byte[], IReadOnlyList<FakeReply>> Reply, params EdnsProbeOutcome[] Expected)
{
    /// <summary>Where "from another source" replies come from.</summary>
    public IPAddress? AlternateSource { get; init; }
}
