using System;
using System.Diagnostics;
using System.Net;
using System.Threading;
using MailFlowTools.Tests.Dns;
using MailFlowTools.Tests.MxPath;

namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// Loopback peers that keep every command mid-probe: a DNS server that never answers, a DNS server whose MX for
/// stall.test points at 127.0.0.1, and an SMTP listener that completes the handshake and never sends a byte.
/// </summary>
internal sealed class StallingPeers : IDisposable
{
    public const string Domain = "stall.test";

    public StallingPeers()
    {
        SilentSmtp = new SilentListener(new IPEndPoint(IPAddress.Loopback, 0));
        SilentDns = new FakeDnsServer(configure: s =>
        {
            s.UdpSilent = true;
            s.TcpSilent = true;
        });
        Dns = new FakeDnsServer(new FakeZone().Soa(Domain).Mx(Domain, 10, "mx." + Domain).A("mx." + Domain, "127.0.0.1"));
    }

    public SilentListener SilentSmtp { get; }

    public FakeDnsServer SilentDns { get; }

    public FakeDnsServer Dns { get; }

    public string SmtpPort => SilentSmtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A probe is waiting on a stalled peer: something connected to the silent listener or queried the silent DNS server.</summary>
    public bool SomethingWaiting => SilentSmtp.Accepted > 0 || SilentDns.UdpQueries > 0 || SilentDns.TcpQueries > 0;

    /// <summary>Waits until a probe is stuck on a peer, then a little longer so it is deep in its wait.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan limit, TimeSpan settle)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        Thread.Sleep(settle);
        return true;
    }

    public void Dispose()
    {
        SilentSmtp.Dispose();
        SilentDns.Dispose();
        Dns.Dispose();
    }
}
