using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>What an SMTP reply, enhanced status code or NDR/DSN means, and what to test next.</summary>
public sealed class SmtpStatusResult : IHasFindings
{
    private IReadOnlyList<Finding> _findings = Readable.List<Finding>(null);

    /// <summary>The text that was interpreted (on one line, first 300 characters).</summary>
    public string InputText { get; init; } = string.Empty;

    /// <summary>RFC 5321 three-digit reply code, when one was found.</summary>
    public int? ReplyCode { get; init; }

    /// <summary>RFC 3463 code as text, e.g. "4.4.7".</summary>
    public string? EnhancedStatus { get; init; }

    /// <summary>Meaning of the class digit, e.g. "Persistent transient failure".</summary>
    public string? Class { get; init; }

    /// <summary>Meaning of the subject digit, e.g. "Network and routing status".</summary>
    public string? Subject { get; init; }

    /// <summary>Meaning of subject.detail, e.g. "Delivery time expired".</summary>
    public string? Detail { get; init; }

    /// <summary>Meaning of the reply code, e.g. "Service not available, closing transmission channel".</summary>
    public string? ReplyMeaning { get; init; }

    /// <summary>The innermost reply when one is nested in another (Exchange's "responded with: 421 4.4.2 …").</summary>
    public string? UnderlyingStatus { get; init; }

    public bool IsTransient { get; init; }

    public bool IsPermanent { get; init; }

    /// <summary>DSN Action (failed, delayed, delivered, relayed, expanded); inferred from the status when absent.</summary>
    public string? Action { get; init; }

    /// <summary>True when <see cref="Action"/> was inferred rather than read from a DSN Action field.</summary>
    public bool ActionInferred { get; init; }

    public string? DiagnosticCode { get; init; }

    public string? RemoteMta { get; init; }

    public string? ReportingMta { get; init; }

    public string? FinalRecipient { get; init; }

    /// <summary>The recipient's domain, used to fill in the suggested commands.</summary>
    public string? RecipientDomain { get; init; }

    /// <summary>What the status means for the network path.</summary>
    public string NetworkInterpretation { get; init; } = string.Empty;

    public bool PointsAtNetworkPath { get; init; }

    /// <summary>Cmdlets that test each possible cause, most useful first.</summary>
    public ReadableList<string> SuggestedCmdlets { get; init; } = Readable.List<string>(null);

    /// <summary>Ready-to-run command lines, with the recipient domain filled in where it is known.</summary>
    public ReadableList<string> SuggestedCommands { get; init; } = Readable.List<string>(null);

    /// <summary>True when the status was not written in the input but follows from the MTA's phrase or disposition.</summary>
    public bool StatusInferred { get; init; }

    /// <summary>The MTA that wrote the line (Postfix, Exim, Sendmail, Exchange, ExchangeOnline); Unknown for a bare reply or NDR.</summary>
    public MtaKind Mta { get; init; }

    /// <summary>The log or queue line read field by field, when the input was one.</summary>
    public MtaLogEntry? LogEntry { get; init; }

    /// <summary>Where on the path the MTA's own words place the failure.</summary>
    public PathSignature PathSignature { get; init; }

    /// <summary>The reason phrase that was recognised (see docs/log-phrases.md).</summary>
    public string? Phrase { get; init; }

    /// <summary>Where the phrase comes from in the MTA's source or documentation.</summary>
    public string? PhraseSource { get; init; }

    /// <summary>The seed incidents the phrase matches (1 DNS, 3 black hole or fixup box, 4 stall, 5 silent MX).</summary>
    public ReadableList<int> Incidents { get; init; } = Readable.List<int>(null);

    /// <summary>The host the MTA talked to, from relay=, H= or the reason.</summary>
    public string? RelayHost { get; init; }

    /// <summary>The address the MTA talked to.</summary>
    public string? RelayAddress { get; init; }

    /// <summary>The remote server's own reply, kept apart from the MTA's words.</summary>
    public string? RemoteReply { get; init; }

    /// <summary>Runnable next commands with the host, address and domain from the input.</summary>
    public ReadableList<SuggestedCommand> NextCommands { get; init; } = Readable.List<SuggestedCommand>(null);

    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = Readable.List(value); }

    public override string ToString() => EnhancedStatus ?? ReplyCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? InputText;
}
