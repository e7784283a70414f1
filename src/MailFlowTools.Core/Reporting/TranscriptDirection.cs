namespace MailFlowTools.Core.Reporting;

public enum TranscriptDirection
{
    /// <summary>Bytes we sent.</summary>
    Sent,

    /// <summary>Bytes the peer sent.</summary>
    Received,

    /// <summary>An event on the connection (connect, TLS, timeout).</summary>
    Event,
}
