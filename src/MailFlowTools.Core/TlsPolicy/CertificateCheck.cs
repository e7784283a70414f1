using System.Collections.Generic;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>What the WebPKI check of a presented certificate found.</summary>
public sealed class CertificateCheck
{
    public CertificateCheck(bool trusted, bool nameMatches, bool expired, IReadOnlyList<string> names, string detail)
    {
        Trusted = trusted;
        NameMatches = nameMatches;
        Expired = expired;
        Names = names;
        Detail = detail;
    }

    public bool Trusted { get; }

    public bool NameMatches { get; }

    public bool Expired { get; }

    /// <summary>The certificate's subjectAltName DNS names.</summary>
    public IReadOnlyList<string> Names { get; }

    public string Detail { get; }

    public bool IsValid => Trusted && NameMatches && !Expired;
}
