namespace MailFlowTools.Core.Logs;

/// <summary>Where on the path a delivery failed, read from the MTA's own words. Summaries group by it.</summary>
public enum PathSignature : long
{
    /// <summary>No known phrase: only the status code says anything.</summary>
    None = 0,

    /// <summary>The message body went out, the reply to the final dot never came (fixup box, incident 3).</summary>
    EndOfDataLost,

    /// <summary>The body stopped moving: a stall (incident 4) or a PMTU black hole (incident 3).</summary>
    BodyTimeout,

    /// <summary>The connection broke while the body was being sent.</summary>
    BodyConnectionLost,

    /// <summary>TCP connected, the 220 greeting never came (incident 5).</summary>
    GreetingTimeout,

    /// <summary>The DNS lookup of the MX failed temporarily (incident 1).</summary>
    DnsTempFail,

    /// <summary>TLS was required by the sender's policy, the receiver did not offer STARTTLS.</summary>
    TlsNotOffered,

    /// <summary>STARTTLS was offered but the handshake failed.</summary>
    TlsFailed,

    /// <summary>The TCP connect got no answer.</summary>
    ConnectTimeout,

    /// <summary>The TCP connect was refused (RST).</summary>
    ConnectRefused,

    /// <summary>No route to the host or the network.</summary>
    Unreachable,

    /// <summary>The connection broke, or a reply timed out, at a stage other than the greeting or the body.</summary>
    SessionLost,

    /// <summary>The receiver answered with a permanent refusal: policy or address, not the path.</summary>
    RemoteRejected,

    /// <summary>The receiver answered with a temporary refusal (greylisting, throttling).</summary>
    RemoteDeferred,
}
