using MailFlowTools.Core.Net;

namespace MailFlowTools.Core.Smtp;

/// <summary>Mutable builder for one <see cref="SmtpStageResult"/> while its stage runs.</summary>
internal sealed class StageRecorder
{
    public StageRecorder(SmtpStage stage, double startMs, TcpInfoSnapshot before)
    {
        Stage = stage;
        StartMs = startMs;
        Before = before;
    }

    public SmtpStage Stage { get; }

    /// <summary>Start taken from the socket call itself (ms on the session clock), when known.</summary>
    public double? WireStartMs { get; set; }

    /// <summary>End taken from the socket call itself (ms on the session clock), when known.</summary>
    public double? WireEndMs { get; set; }

    public double StartMs { get; }

    public TcpInfoSnapshot Before { get; }

    public SmtpStageOutcome Outcome { get; set; } = SmtpStageOutcome.Ok;

    public SmtpReply? Reply { get; set; }

    public string? Text { get; set; }

    public long BytesSent { get; set; }

    public bool Pipelined { get; set; }

    public string? Recipient { get; set; }

    public string[]? Capabilities { get; set; }

    public SmtpTlsInfo? Tls { get; set; }

    /// <summary>STARTTLS: why it failed (not offered, the reply, the handshake error).</summary>
    public string? TlsFailure { get; set; }

    /// <summary>Connect: the other ports tried on the same address after the mail port failed.</summary>
    public PortBlockCheck? PortCheck { get; set; }

    /// <summary>Body: the facts of a transfer whose acknowledgements stopped.</summary>
    public TransferStall? Stall { get; set; }

    /// <summary>AUTH: why the credential was kept back.</summary>
    public AuthWithholding? Withheld { get; set; }

    /// <summary>Overrides the acknowledged-bytes figure (the body counts only what it sent).</summary>
    public long? BytesAckedOverride { get; set; }
}
