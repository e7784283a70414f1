using System;

namespace MailFlowTools.Core.Smtp;

/// <summary>What the TLS handshake after STARTTLS negotiated and what the certificate says.</summary>
public sealed class SmtpTlsInfo
{
    public string Protocol { get; init; } = string.Empty;

    public string Cipher { get; init; } = string.Empty;

    public string? CertificateSubject { get; init; }

    public string? CertificateIssuer { get; init; }

    public DateTimeOffset? CertificateNotAfter { get; init; }

    /// <summary>"Valid", or the policy errors and chain status flags, e.g. "RemoteCertificateChainErrors: UntrustedRoot".</summary>
    public string CertificateStatus { get; init; } = string.Empty;

    public bool CertificateValid { get; init; }
}
