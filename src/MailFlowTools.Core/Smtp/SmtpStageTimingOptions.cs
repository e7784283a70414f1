using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Smtp;

/// <summary>What one Get-SmtpStageTiming session does.</summary>
public sealed class SmtpStageTimingOptions
{
    public const int DefaultPort = 25;
    public const int MinPort = 1;
    public const int MaxPort = 65535;
    public const int MaxMessageSize = SmtpMessageBuilder.MaxSize;
    public const int MaxEnvelopeSize = 1024 * 1024;

    /// <summary>-SegmentSize is 0 (the OS default) or this to <see cref="MaxSegmentSize"/>: Linux refuses an MSS under 88.</summary>
    public const int MinSegmentSize = 88;
    public const int MaxSegmentSize = 65495;
    public const double DefaultTimeoutSeconds = 30;
    public const double MaxTimeoutSeconds = SmtpTimeouts.MaxSeconds;

    /// <summary>Host name or IP address of the SMTP server.</summary>
    public string ComputerName { get; init; } = string.Empty;

    public int Port { get; init; } = DefaultPort;

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

    /// <summary>SASL mechanisms beyond PLAIN and LOGIN (SCRAM-SHA-256, NTLM, XOAUTH2), from MailKit; null for PLAIN and LOGIN only.</summary>
    public SmtpSaslFactory? Sasl { get; init; }

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

    /// <summary>
    /// The options as Get-SmtpStageTiming and `mailflow Get-SmtpStageTiming` take them, validated: the one place
    /// both turn parameters into a session, so their defaults and checks cannot drift apart.
    /// </summary>
    public static SmtpStageTimingOptions FromParameters(
        string computerName,
        int port = DefaultPort,
        string? from = null,
        IReadOnlyList<string>? to = null,
        int messageSize = 0,
        int envelopeSize = 0,
        SmtpPipeliningMode pipelining = SmtpPipeliningMode.Auto,
        SmtpStartTlsMode startTls = SmtpStartTlsMode.Auto,
        bool splitEndOfData = false,
        int segmentSize = 0,
        SmtpStopAfter stopAfter = SmtpStopAfter.Body,
        bool deliver = false,
        double timeoutSeconds = DefaultTimeoutSeconds,
        SmtpCredential? credential = null,
        bool allowInsecureAuth = false,
        SmtpSaslFactory? sasl = null)
    {
        var options = new SmtpStageTimingOptions
        {
            ComputerName = computerName,
            Port = port,
            From = from,
            To = to ?? Array.Empty<string>(),
            MessageSize = messageSize,
            EnvelopeSize = envelopeSize,
            Pipelining = pipelining,
            StartTls = startTls,
            SplitEndOfData = splitEndOfData,
            SegmentSize = segmentSize,
            StopAfter = stopAfter,
            Deliver = deliver,
            Timeouts = SmtpTimeouts.FromSeconds(timeoutSeconds),
            Credential = credential,
            AllowInsecureAuth = allowInsecureAuth,
            Sasl = sasl,
        };
        options.Validate();
        return options;
    }

    /// <summary>Throws an invalid-invocation <see cref="MailFlowException"/> naming the parameter when a value is out of range or a combination is not allowed.</summary>
    public void Validate()
    {
        var o = this;
        if (string.IsNullOrWhiteSpace(o.ComputerName))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidHostName, "-ComputerName is empty: give the SMTP server's host name or IP address.");
        }

        if (o.Port is < MinPort or > MaxPort)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-Port must be {MinPort} to {MaxPort}; got {o.Port}.", o.Port);
        }

        if (o.MessageSize < 0 || o.MessageSize > MaxMessageSize)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-MessageSize must be 0 (the default, 1024) to {MaxMessageSize} bytes; got {o.MessageSize}.", o.MessageSize);
        }

        if (o.EnvelopeSize < 0 || o.EnvelopeSize > MaxEnvelopeSize)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-EnvelopeSize must be 0 (no padding) to {MaxEnvelopeSize} bytes; got {o.EnvelopeSize}.", o.EnvelopeSize);
        }

        if (o.SegmentSize != 0 && (o.SegmentSize < MinSegmentSize || o.SegmentSize > MaxSegmentSize))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-SegmentSize must be 0 (the OS default) or {MinSegmentSize} to {MaxSegmentSize} bytes; got {o.SegmentSize}.", o.SegmentSize);
        }

        if (o.SplitEndOfData && !o.Deliver)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "-SplitEndOfData sends the final '.', which completes the message: add -Deliver to allow that.");
        }

        if (o.Deliver && o.StopAfter != SmtpStopAfter.Body)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "-Deliver needs the whole session: leave out -StopAfter.");
        }

        foreach (var address in o.To.Concat(new[] { o.From ?? string.Empty }))
        {
            if (address.IndexOfAny(new[] { '\r', '\n', '<', '>' }) >= 0)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidAddress, $"'{address}' is not a valid mail address (no angle brackets or line breaks).", address);
            }
        }
    }
}
