using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Smtp;

/// <summary>The facts behind an AUTH stage that did not send the credential.</summary>
public sealed class AuthWithholding
{
    public AuthWithheldReason Reason { get; init; }

    public string Host { get; init; } = string.Empty;

    public SmtpStartTlsMode StartTls { get; init; }

    public bool StartTlsOffered { get; init; }

    public bool Encrypted { get; init; }

    public SmtpTlsInfo? Tls { get; init; }

    public IReadOnlyList<string> Offered { get; init; } = Array.Empty<string>();

    public IReadOnlyList<string> OfferedBeforeTls { get; init; } = Array.Empty<string>();

    /// <summary>The mechanisms this session could have used.</summary>
    public IReadOnlyList<string> Supported { get; init; } = Array.Empty<string>();
}
