using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Tests.Smtp;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// 500 domains through the real SMTP prober against a loopback server that greets after a delay standing in
/// for an Internet round trip: -ThrottleLimit 32 against 1. A measurement, not a CI check: it runs only with
/// MAILFLOW_BENCH=1 and prints its figures. Category Benchmark keeps it out of tests/run.sh's default filter.
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class MxPathThroughputBenchmark
{
    private readonly ITestOutputHelper _output;

    public MxPathThroughputBenchmark(ITestOutputHelper output)
    {
        _output = output;
    }

    [BenchmarkFact]
    public async Task Throttle_32_against_throttle_1_with_500_domains()
    {
        const int Domains = 500;
        var greetingDelay = TimeSpan.FromMilliseconds(40);
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { BannerDelay = greetingDelay }.RunAsync, IPAddress.Parse("127.0.0.2"));
        var dns = new FakeMxResolver();
        var names = new List<string>();
        for (var i = 1; i <= Domains; i++)
        {
            var name = "d" + i.ToString("0000", CultureInfo.InvariantCulture) + ".bulk.test";
            names.Add(name);
            dns.AddMx(name, Target(10, "mx1.lab.test", "127.0.0.2"));
        }

        async Task<TimeSpan> Run(int throttle)
        {
            var options = new MxPathOptions { Port = server.Port, ThrottleLimit = throttle, ConnectTimeout = TimeSpan.FromSeconds(5), BannerTimeout = TimeSpan.FromSeconds(5) };
            var ok = 0;
            var clock = Stopwatch.StartNew();
            await Task.Run(() => new MxPathEngine(dns, new SmtpHopProber()).RunAsync(names, options, r => Interlocked.Add(ref ok, r.Reachable ? 1 : 0), _ => { }, CancellationToken.None));
            clock.Stop();
            Assert.Equal(Domains, ok);
            return clock.Elapsed;
        }

        await Run(32);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var one = await Run(1);
        var cpuOne = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var many = await Run(32);
        var cpuMany = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        _output.WriteLine(FormattableString.Invariant($"greeting delay {greetingDelay.TotalMilliseconds} ms; throttle 1: {one.TotalSeconds:0.00} s (cpu {cpuOne.TotalSeconds:0.00} s); throttle 32: {many.TotalSeconds:0.00} s (cpu {cpuMany.TotalSeconds:0.00} s); ratio {one.TotalSeconds / many.TotalSeconds:0.0}x; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB"));
        Assert.True(many < one);
    }
}
