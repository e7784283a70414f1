using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;

namespace MailFlowTools.Tests.Dns;

/// <summary>Exercises every DNS code path once, with long timeouts, before the timed tests run.</summary>
public sealed class DnsWarmup
{
    public DnsWarmup()
    {
        // Tests elsewhere in this process block pool threads; the fake servers and probes here need a few free
        // ones at once to meet their deadlines.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        Task.Run(async () =>
        {
            var zone = new FakeZone().Mx("warm.test", 10, "mx.warm.test").A("mx.warm.test", "192.0.2.1");
            using var server = new FakeDnsServer(zone);
            var options = new EdnsReachabilityOptions { Timeout = TimeSpan.FromSeconds(5), Compliance = true };
            await EdnsReachabilityTester.TestServerAsync(new EdnsServerTarget(server.EndPoint), "warm.test", options, null, CancellationToken.None);
            await MxResolver.ResolveAsync("warm.test", new MxResolverOptions { Resolver = DnsResolverOptions.ForServers(server.EndPoint) }, CancellationToken.None);
            await DnsTcpExchange.ExchangeAsync(server.EndPoint, DnsQueryFactory.Create("warm.test", DnsRecordType.MX), TimeSpan.FromSeconds(5), CancellationToken.None);
        }).GetAwaiter().GetResult();
    }
}
