namespace MailFlowTools.Core.Dns;

/// <summary>Where the mail hosts of a domain came from (RFC 5321 §5.1, RFC 7505).</summary>
public enum MxSource
{
    /// <summary>The domain has MX records.</summary>
    Mx,

    /// <summary>No MX records; the domain's own A/AAAA records are the implicit MX.</summary>
    ImplicitMx,

    /// <summary>A single "MX 0 ." record: the domain accepts no mail (RFC 7505).</summary>
    NullMx,

    /// <summary>The domain exists but has neither MX nor A/AAAA records.</summary>
    NoMailDomain,

    /// <summary>The lookup failed; <see cref="MxResolution.Error"/> says how (NXDOMAIN, SERVFAIL, timeout…).</summary>
    LookupFailed,
}
