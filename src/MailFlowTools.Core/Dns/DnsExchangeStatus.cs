namespace MailFlowTools.Core.Dns;

/// <summary>How one query/response exchange ended.</summary>
public enum DnsExchangeStatus
{
    /// <summary>A matching, parseable response arrived.</summary>
    Response,

    /// <summary>No matching response within the timeout.</summary>
    Timeout,

    /// <summary>The network said no: connection refused or reset, ICMP unreachable, no route.</summary>
    NetworkError,

    /// <summary>Only unparseable replies came from the server for this query.</summary>
    Malformed,
}
