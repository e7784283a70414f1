using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// One stage of a probe session: how long it took, what came back and how the bytes moved.
/// One object per stage, so "| Measure-Object ElapsedMs -Sum" and "| Where-Object Outcome -ne Ok" work directly.
/// </summary>
public sealed class SmtpStageResult : IHasFindings
{
    private IReadOnlyList<Finding> _findings = Readable.List<Finding>(null);

    /// <summary>Identifies the session; every stage of one session shares it (and the transcript lines carry it).</summary>
    public string SessionId { get; init; } = string.Empty;

    public string ComputerName { get; init; } = string.Empty;

    /// <summary>The IP address that was connected to.</summary>
    public string Address { get; init; } = string.Empty;

    public int Port { get; init; }

    /// <summary>Position of the stage in the session, from 1.</summary>
    public int Sequence { get; init; }

    public SmtpStage Stage { get; init; }

    public SmtpStageOutcome Outcome { get; init; }

    /// <summary>The server's reply code for this stage, when it replied.</summary>
    public int? ReplyCode { get; init; }

    /// <summary>RFC 3463 enhanced status from the reply, e.g. "4.4.2".</summary>
    public string? EnhancedStatus { get; init; }

    /// <summary>Reply text without code and enhanced status; for failures without a reply, what went wrong.</summary>
    public string? ReplyText { get; init; }

    /// <summary>Milliseconds from the start of the session (before connect) to the start of this stage.</summary>
    public double StartMs { get; init; }

    /// <summary>How long the stage took, in milliseconds.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>Application bytes this stage wrote.</summary>
    public long BytesSent { get; init; }

    /// <summary>Bytes the peer acknowledged during this stage (TCP_INFO); null where the OS does not tell.</summary>
    public long? BytesAcked { get; init; }

    /// <summary>TCP retransmissions during this stage (TCP_INFO); null where the OS does not tell.</summary>
    public long? Retransmits { get; init; }

    /// <summary>Smoothed round-trip time at the end of the stage, in milliseconds.</summary>
    public double? RttMs { get; init; }

    /// <summary>The connection's send MSS at the end of the stage.</summary>
    public int? SendMss { get; init; }

    /// <summary>The path MTU the kernel assumed at the end of the stage.</summary>
    public int? PathMtu { get; init; }

    /// <summary>True when this stage's command went out in one write together with the rest of the envelope.</summary>
    public bool Pipelined { get; init; }

    /// <summary>The recipient, on RcptTo stages.</summary>
    public string? Recipient { get; init; }

    /// <summary>The EHLO extensions, on Ehlo and EhloTls stages.</summary>
    public ReadableList<string> Capabilities { get; init; } = Readable.List<string>(null);

    /// <summary>StartTls stage: negotiated protocol, e.g. "Tls13".</summary>
    public string? TlsProtocol { get; init; }

    public string? TlsCipher { get; init; }

    public string? CertificateSubject { get; init; }

    public string? CertificateIssuer { get; init; }

    public DateTimeOffset? CertificateNotAfter { get; init; }

    /// <summary>"Valid", or what is wrong with the certificate and its chain.</summary>
    public string? CertificateStatus { get; init; }

    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = Readable.List(value); }

    public override string ToString() => ReplyCode is { } code ? $"{Stage} {Outcome} {code}" : $"{Stage} {Outcome}";
}
