using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Output;
using MailFlowTools.Cli.Verbs;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Tests.Dns;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// The whole stack on loopback, through the CLI verb: the real DNS resolver against the fake DNS server, the real
/// SMTP prober against a silent listener (127.0.0.1) and a healthy fake server (127.0.0.2) on one port.
/// </summary>
public sealed class TestMxPathVerbTests
{
    private static FakeZone Zone() => new FakeZone()
        .Soa("failover.test").Mx("failover.test", 100, "silent.failover.test").Mx("failover.test", 300, "mx1.failover.test")
        .A("silent.failover.test", "127.0.0.1").A("mx1.failover.test", "127.0.0.2")
        .Mx("nullmx.test", 0, ".")
        .Mx("cname.test", 10, "alias.cname.test").Cname("alias.cname.test", "mx1.failover.test")
        .A("implicit.test", "127.0.0.2");

    private static async Task<(List<MxPathResult> Results, List<MailFlowException> Errors)> RunVerb(string? standardInput, params string[] args)
    {
        var verb = new TestMxPathVerb();
        ArgumentBinder.Bind(verb, args);
        var results = new List<object>();
        var errors = new List<MailFlowException>();
        var context = new CliContext(new RecordingReporter(), r => { lock (results) { results.Add(r); } }, e => { lock (errors) { errors.Add(e); } }, new StringReader(standardInput ?? string.Empty), standardInput is not null);
        await Task.Run(() => verb.RunAsync(context, CancellationToken.None));
        return (results.Cast<MxPathResult>().ToList(), errors);
    }

    private static (FakeSmtpServer Server, SilentListener Silent) StartPair()
    {
        for (var attempt = 0; ; attempt++)
        {
            var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync, IPAddress.Parse("127.0.0.2"));
            try
            {
                return (server, new SilentListener(new IPEndPoint(IPAddress.Loopback, server.Port)));
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 5)
            {
                server.DisposeAsync().AsTask().Wait();
            }
        }
    }

    [Fact]
    public async Task Kebab_case_parameters_reach_the_engine_and_the_walk_fails_over()
    {
        using var dns = new FakeDnsServer(Zone());
        var (server, silent) = StartPair();
        await using var _ = server;
        using var __ = silent;

        var (results, errors) = await RunVerb(
            null,
            "failover.test", "nullmx.test", "cname.test", "implicit.test", "Submission",
            "--dns-server", dns.EndPoint.ToString(),
            "--port", server.Port.ToString(CultureInfo.InvariantCulture),
            "--banner-timeout-seconds", "1",
            "--connect-timeout-seconds", "1",
            "--address-family", "ipv4",
            "--throttle-limit", "4",
            "--seed", "3");

        Assert.Equal(ErrorIds.InvalidDomainName, Assert.Single(errors).ErrorId);
        Assert.Equal(4, results.Count);
        var failover = results.Single(r => r.DomainName == "failover.test");
        Assert.True(failover.Reachable, failover.Summary);
        Assert.Equal("mx1.failover.test", failover.SelectedHop!.Exchange);
        Assert.Equal(MxHopOutcome.NoBanner, failover.Hops[0].Outcome);
        Assert.Equal(3, failover.Seed);
        Assert.Equal(MxAddressFamily.IPv4, failover.AddressFamily);
        Assert.Equal(dns.EndPoint.ToString(), failover.DnsServer);
        Assert.Contains(failover.Findings, f => f.Code == FindingCodes.NoBannerAfterConnect);
        // One banner timeout, not one per address; generous for a loaded CI machine (cold JIT of DNS and TLS code).
        Assert.True(failover.ElapsedMs < 3000, "took " + failover.ElapsedMs + ": dns " + failover.DnsMs + "; " + string.Join("; ", failover.Hops.Select(h => h.Address + " " + h.Outcome + " " + h.ConnectMs + " " + h.ElapsedMs + " " + h.Detail)));

        Assert.Equal(MxPathSource.NullMx, results.Single(r => r.DomainName == "nullmx.test").MxSource);
        var cname = results.Single(r => r.DomainName == "cname.test");
        Assert.Equal("mx1.failover.test", cname.SelectedHop!.CanonicalName);
        Assert.Contains(cname.Findings, f => f.Code == FindingCodes.MxPointsToCname);
        var implicitMx = results.Single(r => r.DomainName == "implicit.test");
        Assert.Equal(MxPathSource.ImplicitMx, implicitMx.MxSource);
        Assert.True(implicitMx.Reachable);

        // Never DATA, on any session.
        Assert.All(server.Sessions, s => Assert.DoesNotContain(s.Commands, c => c.StartsWith("DATA", StringComparison.OrdinalIgnoreCase)));

        // The JSON the CLI writes: enums as strings, the hop's ComputerName is its address.
        var json = JsonSerializer.Serialize<object>(failover, JsonOutput.Options);
        Assert.Contains("\"MxSource\": \"Mx\"", json);
        Assert.Contains("\"Outcome\": \"NoBanner\"", json);
        Assert.Contains("\"ComputerName\": \"127.0.0.2\"", json);
    }

    [Fact]
    public async Task Domains_are_read_from_standard_input_when_none_are_given()
    {
        using var dns = new FakeDnsServer(Zone());
        var (results, errors) = await RunVerb("nullmx.test\n# comment\n\nnosuch.test\n", "--dns-server", dns.EndPoint.ToString());
        Assert.Empty(errors);
        Assert.Equal(new[] { "nosuch.test", "nullmx.test" }, results.Select(r => r.DomainName).OrderBy(d => d, StringComparer.Ordinal));
        Assert.Equal(MxPathSource.NoMailDomain, results.Single(r => r.DomainName == "nosuch.test").MxSource);
    }

    [Theory]
    [InlineData("--port", "0")]
    [InlineData("--banner-timeout-seconds", "0")]
    [InlineData("--connect-timeout-seconds", "NaN")]
    [InlineData("--throttle-limit", "0")]
    [InlineData("--recipient", "a b@c.test")]
    [InlineData("--dns-server", "not a server!")]
    public async Task Bad_values_are_invalid_invocations(string name, string value)
    {
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => RunVerb(null, "contoso.test", name, value));
        Assert.True(ex.IsInvalidInvocation, ex.Message);
    }

    [Fact]
    public async Task No_domain_and_no_standard_input_is_a_usage_error()
    {
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => RunVerb(null));
        Assert.Equal(ErrorIds.InvalidUsage, ex.ErrorId);
    }
}
