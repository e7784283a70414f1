namespace MailFlowTools.Core.MxPath;

/// <summary>The result of a bare TCP connect to a control port (used to tell a port-25 block from a dead host).</summary>
public enum PortCheckOutcome
{
    Connected,
    Refused,
    Timeout,
    Unreachable,
}
