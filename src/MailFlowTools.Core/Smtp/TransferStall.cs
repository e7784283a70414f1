using MailFlowTools.Core.Net;

namespace MailFlowTools.Core.Smtp;

/// <summary>Raw facts of a message transfer whose acknowledgements stopped, as the session measured them (times from the stage start).</summary>
public sealed class TransferStall
{
    public long StreamBytesAcked { get; init; }

    public long MessageBytesAcked { get; init; }

    public long MessageBytesWritten { get; init; }

    public long MessageBytes { get; init; }

    public double StallDetectedAtMs { get; init; }

    public double LastAckAtMs { get; init; }

    public long Retransmits { get; init; }

    public TcpInfoSnapshot Last { get; init; } = TcpInfoSnapshot.Unavailable;
}
