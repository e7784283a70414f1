using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Smtp;

/// <summary>What one Get-SmtpStageTiming session does.</summary>
public sealed class SmtpStageTimingOptions
{
    /// <summary>Host name or IP address of the SMTP server.</summary>
    public string ComputerName { get; init; } = string.Empty;

    public int Port { get; init; } = 25;

    /// <summary>Reverse-path. Null: the null path "&lt;&gt;", or mailflow@&lt;HELO name&gt; when <see cref="EnvelopeSize"/> needs a local part to pad.</summary>
    public string? From { get; init; }

    /// <summary>Recipients. Empty: postmaster at the host's domain (see <see cref="SmtpEnvelope.DefaultRecipient"/>).</summary>
    public IReadOnlyList<string> To { get; init; } = Array.Empty<string>();

    /// <summary>
    /// <see cref="To"/> is an address the tool chose to reach RCPT (Debug-MailFlow's postmaster@domain), not the
    /// caller's: its refusal is reported as Info. Empty <see cref="To"/> counts as chosen by the tool.
    /// </summary>
    public bool ProbeRecipient { get; init; }

    /// <summary>Bytes of message data after 354, headers included, before the final "."; 0 for the default (1 KiB).</summary>
    public int MessageSize { get; init; }

    /// <summary>Exact byte count of the envelope (MAIL, RCPT…, DATA); 0 for no padding.</summary>
    public int EnvelopeSize { get; init; }

    public SmtpPipeliningMode Pipelining { get; init; } = SmtpPipeliningMode.Auto;

    public SmtpStartTlsMode StartTls { get; init; } = SmtpStartTlsMode.Auto;

    /// <summary>Fail the handshake on an invalid certificate; off by default (a probe reports, it does not judge).</summary>
    public bool ValidateCertificate { get; init; }

    /// <summary>Send the final "." and its CRLF in separate writes (the PIX fixup case). Needs <see cref="Deliver"/>.</summary>
    public bool SplitEndOfData { get; init; }

    /// <summary>TCP maximum segment size set before connect; 0 leaves the OS default.</summary>
    public int SegmentSize { get; init; }

    public SmtpStopAfter StopAfter { get; init; } = SmtpStopAfter.Body;

    /// <summary>Complete the message with the final "."; without it the connection is dropped inside DATA and nothing is delivered.</summary>
    public bool Deliver { get; init; }

    public SmtpTimeouts Timeouts { get; init; } = new();

    /// <summary>EHLO/HELO argument; null: the local FQDN, or the local address literal.</summary>
    public string? HeloName { get; init; }

    /// <summary>AUTH PLAIN or LOGIN, only inside TLS with a certificate that validated (see <see cref="AllowInsecureAuth"/>).</summary>
    public SmtpCredential? Credential { get; init; }

    /// <summary>Send <see cref="Credential"/> even over plain text or to a server whose certificate did not validate (test servers).</summary>
    public bool AllowInsecureAuth { get; init; }

    /// <summary>Connect to this address instead of resolving <see cref="ComputerName"/>.</summary>
    public string? Address { get; init; }

    /// <summary>A greeting slower than this is reported as SlowGreeting (a tarpit).</summary>
    public TimeSpan SlowGreetingThreshold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Ports tried on the same address when connecting fails, to tell a local port-25 block from a dead server. Null: 587 and 443 when Port is 25.</summary>
    public IReadOnlyList<int>? LocalBlockCheckPorts { get; init; }

    /// <summary>How often TCP_INFO is read while the message data is in flight.</summary>
    public TimeSpan TransferPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>No new acknowledgement for this long, with retransmissions, marks the stall point.</summary>
    public TimeSpan StallThreshold { get; init; } = TimeSpan.FromSeconds(1);
}
