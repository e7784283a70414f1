using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// A DNS message (RFC 1035 §4). Read from the wire by <see cref="DnsMessageReader"/>, built in code and written
/// by <see cref="DnsMessageWriter"/>. The OPT record is not in <see cref="Additionals"/>: it is <see cref="Edns"/>.
/// </summary>
public sealed class DnsMessage
{
    public ushort Id { get; init; }

    /// <summary>QR: this is a response.</summary>
    public bool IsResponse { get; init; }

    public byte Opcode { get; init; }

    public bool IsAuthoritative { get; init; }

    /// <summary>TC: the answer did not fit and was truncated.</summary>
    public bool IsTruncated { get; init; }

    public bool RecursionDesired { get; init; }

    public bool RecursionAvailable { get; init; }

    /// <summary>The reserved Z header bit (must be zero).</summary>
    public bool Z { get; init; }

    public bool AuthenticData { get; init; }

    public bool CheckingDisabled { get; init; }

    /// <summary>The full RCODE: the header's 4 bits plus, when there is an OPT record, its upper 8 bits.</summary>
    public DnsResponseCode ResponseCode { get; init; }

    public IReadOnlyList<DnsQuestion> Questions { get; init; } = Array.Empty<DnsQuestion>();

    public IReadOnlyList<DnsRecord> Answers { get; init; } = Array.Empty<DnsRecord>();

    public IReadOnlyList<DnsRecord> Authorities { get; init; } = Array.Empty<DnsRecord>();

    /// <summary>Additional records other than OPT.</summary>
    public IReadOnlyList<DnsRecord> Additionals { get; init; } = Array.Empty<DnsRecord>();

    /// <summary>The OPT record, or null when the message has no EDNS.</summary>
    public EdnsRecord? Edns { get; init; }

    /// <summary>Length on the wire when read; 0 for messages built in code.</summary>
    public int WireSize { get; init; }

    public DnsQuestion? Question => Questions.Count > 0 ? Questions[0] : null;

    public override string ToString() =>
        $"id={Id} {(IsResponse ? "response" : "query")} {ResponseCode}{(IsTruncated ? " TC" : string.Empty)} q={Questions.Count} an={Answers.Count} ns={Authorities.Count} ar={Additionals.Count}{(Edns is null ? string.Empty : " edns")}";
}
