using System;

namespace MailFlowTools.Core.MxPath;

/// <summary>One MX record (or the implicit MX) and the addresses its name resolved to.</summary>
public sealed class MxPathRecord
{
    public int Preference { get; init; }

    public string Exchange { get; init; } = string.Empty;

    /// <summary>Set when the target is an alias (CNAME).</summary>
    public string? CanonicalName { get; init; }

    /// <summary>IPv6 then IPv4 addresses, all of them, whatever -AddressFamily says.</summary>
    public string[] Addresses { get; init; } = Array.Empty<string>();

    /// <summary>Why the record gives no usable hop, when it does not ("no A or AAAA record", "lookup failed: …").</summary>
    public string? Problem { get; init; }

    public override string ToString() => Preference + " " + Exchange;
}
