using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.MxPath;

/// <summary>Test-MxPath's answer for one domain: would a compliant sender get mail in, and through which hop.</summary>
public sealed class MxPathResult : IHasFindings
{
    private IReadOnlyList<Finding> _findings = Readable.List<Finding>(null);

    public string DomainName { get; init; } = string.Empty;

    public MxPathSource MxSource { get; init; }

    /// <summary>The MX records (or the implicit MX) in the order a sender tries them.</summary>
    public ReadableList<MxPathRecord> MxRecords { get; init; } = Readable.List<MxPathRecord>(null);

    /// <summary>Every address in walk order, tried or not.</summary>
    public ReadableList<MxPathHop> Hops { get; init; } = Readable.List<MxPathHop>(null);

    /// <summary>The hop a compliant sender would deliver to (first Ok hop), or where it would stop (recipient refused).</summary>
    public MxPathHop? SelectedHop { get; init; }

    /// <summary>True when a compliant sender gets a session (and the recipient, with -Recipient) at some hop.</summary>
    public bool Reachable { get; init; }

    /// <summary>One plain sentence: the verdict.</summary>
    public string Summary { get; init; } = string.Empty;

    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = Readable.List(value); }

    /// <summary>The resolver used ("system" or an address).</summary>
    public string? DnsServer { get; init; }

    public double DnsMs { get; init; }

    public double ElapsedMs { get; init; }

    public int Port { get; init; }

    public MxAddressFamily AddressFamily { get; init; }

    /// <summary>The seed that ordered equal preferences, when one was given.</summary>
    public int? Seed { get; init; }

    /// <summary>MTA-STS and DANE as senders find them, and whether an MTA-STS, a DANE and a plain sender deliver; null with -SkipTlsPolicy.</summary>
    public TlsPolicy.TlsPolicyResult? TlsPolicy { get; init; }

    public override string ToString() => DomainName + ": " + Summary;
}
