namespace MailFlowTools.Core.PathMtu;

/// <summary>How the sweep produced a write of the exact payload size.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum SweepWriteMethod : long
{
    /// <summary>Pipelined envelope commands (MAIL, RCPT, RSET) in one write: the server advertises PIPELINING.</summary>
    PipelinedEnvelope,

    /// <summary>One NOOP carrying its own padding: the server does not advertise PIPELINING.</summary>
    SingleCommand,
}
