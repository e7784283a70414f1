using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// RFC 6125 DNS-ID matching as RFC 8461 §4.1 and RFC 7672 §3.2.3 use it: the host must equal a dNSName, or match
/// a wildcard that stands for exactly the whole leftmost label ("*.example.com").
/// </summary>
public static class CertificateNames
{
    public static bool Matches(IEnumerable<string> dnsNames, string host)
    {
        var h = host.Trim().TrimEnd('.').ToLowerInvariant();
        foreach (var raw in dnsNames)
        {
            var name = raw.Trim().TrimEnd('.').ToLowerInvariant();
            if (name == h)
            {
                return true;
            }

            if (name.StartsWith("*.", StringComparison.Ordinal) && name.Count(c => c == '.') >= 2)
            {
                var dot = h.IndexOf('.');
                if (dot > 0 && h.Substring(dot + 1) == name.Substring(2))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
