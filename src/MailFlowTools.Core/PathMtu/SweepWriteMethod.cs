namespace MailFlowTools.Core.PathMtu;

/// <summary>How the sweep produced a write of the exact payload size.</summary>
public enum SweepWriteMethod
{
    /// <summary>Pipelined envelope commands (MAIL, RCPT, RSET) in one write: the server advertises PIPELINING.</summary>
    PipelinedEnvelope,

    /// <summary>One NOOP carrying its own padding: the server does not advertise PIPELINING.</summary>
    SingleCommand,
}
