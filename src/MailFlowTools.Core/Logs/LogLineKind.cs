namespace MailFlowTools.Core.Logs;

/// <summary>What <see cref="MtaLogReader.Read"/> made of a line.</summary>
public enum LogLineKind : long
{
    /// <summary>Not a log line at all: free text such as a reply, a LastError or an NDR line.</summary>
    Text = 0,

    /// <summary>A log or queue line that says nothing about a delivery (connect, cleanup, qmgr, headers).</summary>
    Other,

    /// <summary>One or more recipients' deliveries, deferrals, bounces or host failures.</summary>
    Delivery,
}
