namespace MailFlowTools.Core.Dns;

/// <summary>Why a lookup has no usable answer. NXDOMAIN and SERVFAIL are distinct and never mean "no records".</summary>
public enum DnsLookupError
{
    None,

    /// <summary>The name does not exist (RCODE 3).</summary>
    NxDomain,

    /// <summary>The resolver could not get an answer (RCODE 2), for example a DNSSEC validation failure.</summary>
    ServFail,

    Refused,

    FormErr,

    NotImplemented,

    /// <summary>Another non-zero RCODE.</summary>
    OtherResponseCode,

    /// <summary>No server answered in time.</summary>
    Timeout,

    /// <summary>Connection refused, unreachable network, or similar.</summary>
    NetworkError,

    /// <summary>The only replies could not be parsed.</summary>
    Malformed,

    /// <summary>A CNAME chain loops or is longer than the limit.</summary>
    CnameLoop,
}
