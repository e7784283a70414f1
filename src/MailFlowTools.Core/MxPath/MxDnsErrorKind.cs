namespace MailFlowTools.Core.MxPath;

/// <summary>Why a DNS lookup in the MX walk gave no usable answer.</summary>
public enum MxDnsErrorKind
{
    /// <summary>NXDOMAIN: the name does not exist.</summary>
    NameError,

    /// <summary>SERVFAIL: the resolver could not get an answer (often DNSSEC validation or broken delegation).</summary>
    ServerFailure,

    /// <summary>REFUSED: the server will not answer this client.</summary>
    Refused,

    /// <summary>No answer within the timeout, over UDP and (when tried) TCP.</summary>
    Timeout,

    /// <summary>The answer was truncated (TC) and the TCP retry failed.</summary>
    Truncated,

    /// <summary>The query could not be sent or the connection failed.</summary>
    NetworkError,

    /// <summary>Any other response code, or an answer that could not be parsed.</summary>
    Other,
}
