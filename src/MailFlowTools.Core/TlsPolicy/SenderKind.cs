namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The three kinds of sender Test-MxPath speaks for.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum SenderKind : long
{
    /// <summary>Applies MTA-STS (RFC 8461), as Exchange Online and Gmail do.</summary>
    MtaSts,

    /// <summary>Applies DANE for SMTP (RFC 7672), as Postfix with a validating resolver does.</summary>
    Dane,

    /// <summary>Opportunistic TLS, no policy: the plain RFC 5321 walk.</summary>
    Plain,
}
