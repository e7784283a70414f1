namespace MailFlowTools.Core.MxPath;

/// <summary>Where the list of mail exchangers came from (RFC 5321 §5.1, RFC 7505).</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum MxPathSource : long
{
    /// <summary>The domain publishes MX records.</summary>
    Mx,

    /// <summary>No MX records, but the domain has A/AAAA records: senders deliver to the domain itself.</summary>
    ImplicitMx,

    /// <summary>The domain publishes a null MX ("MX 0 ."): it accepts no mail.</summary>
    NullMx,

    /// <summary>The domain does not exist (NXDOMAIN), or has neither MX nor address records.</summary>
    NoMailDomain,

    /// <summary>The MX lookup itself failed (SERVFAIL, timeout, refused): where mail should go is unknown.</summary>
    Unresolved,
}
