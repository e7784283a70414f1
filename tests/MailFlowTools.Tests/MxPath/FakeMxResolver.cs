using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Tests.MxPath;

/// <summary>Answers from a table; unknown domains are NXDOMAIN.</summary>
internal sealed class FakeMxResolver : IMxPathResolver
{
    private readonly Dictionary<string, MxPathResolution> _answers = new(StringComparer.OrdinalIgnoreCase);

    public List<(string Domain, int? Seed)> Calls { get; } = new();

    public FakeMxResolver Add(string domain, MxPathResolution resolution)
    {
        _answers[domain] = resolution;
        return this;
    }

    /// <summary>MX records in the order given, each "pref name addr addr…".</summary>
    public FakeMxResolver AddMx(string domain, params MxPathTarget[] targets) =>
        Add(domain, new MxPathResolution { Source = MxPathSource.Mx, Targets = targets, DnsServer = "198.51.100.56", ElapsedMs = 1 });

    public Task<MxPathResolution> ResolveAsync(string domainName, int? seed, CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add((domainName, seed));
        }

        return Task.FromResult(_answers.TryGetValue(domainName, out var r)
            ? r
            : new MxPathResolution
            {
                Source = MxPathSource.NoMailDomain,
                Error = new MxDnsError { Name = domainName, RecordType = "MX", Kind = MxDnsErrorKind.NameError, Message = "NXDOMAIN", Server = "198.51.100.56" },
            });
    }

    public static MxPathTarget Target(int preference, string exchange, params string[] addresses)
    {
        var v4 = new List<IPAddress>();
        var v6 = new List<IPAddress>();
        foreach (var a in addresses)
        {
            var ip = IPAddress.Parse(a);
            (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? v6 : v4).Add(ip);
        }

        return new MxPathTarget { Preference = preference, Exchange = exchange, IPv4Addresses = v4.ToArray(), IPv6Addresses = v6.ToArray() };
    }
}
