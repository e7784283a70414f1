using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Validates a presented chain as an MTA-STS sender does (RFC 8461 §4.2): trusted by the platform's roots, or
/// by an extra root the caller named explicitly; valid for the host name (DNS-ID); inside its validity dates.
/// The extra roots never replace or weaken the platform's checks: a chain counts as trusted through them only
/// when it builds up to one of them with no other fault.
/// </summary>
public static class WebPkiValidator
{
    public static CertificateCheck Check(IReadOnlyList<byte[]> chain, string host, IReadOnlyList<byte[]> extraRoots, DateTimeOffset now)
    {
        if (chain.Count == 0)
        {
            return new CertificateCheck(false, false, false, Array.Empty<string>(), "no certificate was presented");
        }

        X509Certificate2 leaf;
        try
        {
            leaf = new X509Certificate2(chain[0]);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            return new CertificateCheck(false, false, false, Array.Empty<string>(), "the certificate does not parse: " + ex.Message);
        }

        using (leaf)
        {
            var names = DerCertificate.DnsNames(chain[0]);
            var nameOk = CertificateNames.Matches(names, host);
            var expired = now > new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero) || now < new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            // Dates are judged above (certificate-expired), so trust is judged with them ignored.
            var (trusted, detail) = Trust(leaf, chain, extraRoots);
            return new CertificateCheck(trusted, nameOk, expired, names.ToArray(), detail);
        }
    }

    private static (bool Trusted, string Detail) Trust(X509Certificate2 leaf, IReadOnlyList<byte[]> chain, IReadOnlyList<byte[]> extraRoots)
    {
        var intermediates = new List<X509Certificate2>();
        var roots = new List<X509Certificate2>();
        try
        {
            intermediates.AddRange(chain.Skip(1).Select(c => new X509Certificate2(c)));
            roots.AddRange(extraRoots.Select(c => new X509Certificate2(c)));
            using (var platform = PlatformChain(leaf, intermediates, out var platformBuilt))
            {
                if (platformBuilt)
                {
                    return (true, "trusted by the platform's roots");
                }

                var status = Describe(platform);
                if (roots.Count == 0)
                {
                    return (false, status);
                }

                using (var extra = NewChain(intermediates, roots, allowUnknownRoot: true))
                {
                    var built = extra.Build(leaf);
                    var elements = extra.ChainElements.Cast<X509ChainElement>().ToList();
                    var top = elements.LastOrDefault()?.Certificate;
                    var anchored = top is not null && roots.Any(r => r.Thumbprint == top.Thumbprint);
                    var otherFaults = elements.SelectMany(e => e.ChainElementStatus)
                        .Any(s => s.Status is not (X509ChainStatusFlags.NoError or X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.NotTimeValid));
                    return built && anchored && !otherFaults
                        ? (true, "trusted by the root given with -TrustedRootCertificatePath")
                        : (false, status);
                }
            }
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            return (false, "the chain does not parse: " + ex.Message);
        }
        finally
        {
            foreach (var c in intermediates.Concat(roots))
            {
                c.Dispose();
            }
        }
    }

    /// <summary>The chain against the platform's roots (the indexed system trust where the process uses it), built.</summary>
    private static X509Chain PlatformChain(X509Certificate2 leaf, List<X509Certificate2> intermediates, out bool built)
    {
        var extra = new X509Certificate2Collection(intermediates.ToArray());
        var indexed = PlatformTrust.BuildChain(leaf, extra, out built, policy =>
        {
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        });
        if (indexed is not null)
        {
            return indexed;
        }

        var chain = NewChain(intermediates, Array.Empty<X509Certificate2>(), allowUnknownRoot: false);
        built = chain.Build(leaf);
        return chain;
    }

    private static X509Chain NewChain(IEnumerable<X509Certificate2> intermediates, IEnumerable<X509Certificate2> roots, bool allowUnknownRoot)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid
            | (allowUnknownRoot ? X509VerificationFlags.AllowUnknownCertificateAuthority : X509VerificationFlags.NoFlag);
        foreach (var c in intermediates.Concat(roots))
        {
            chain.ChainPolicy.ExtraStore.Add(c);
        }

        return chain;
    }

    private static string Describe(X509Chain chain)
    {
        var flags = chain.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList();
        return flags.Count == 0 ? "the chain did not build" : "not trusted: " + string.Join(", ", flags);
    }
}
