namespace MailFlowTools.Core.Logs;

/// <summary>What a log line says happened to a recipient.</summary>
public enum DeliveryDisposition : long
{
    Unknown = 0,
    Sent,
    Deferred,
    Bounced,

    /// <summary>Postfix status=expired: the message aged out of the queue.</summary>
    Expired,

    /// <summary>Waiting in a queue listing (postqueue -j, mailq, exim -bp).</summary>
    Queued,

    /// <summary>One MX host failed and the MTA went on to the next (Postfix logs it without a status=).</summary>
    HostFailed,
}
