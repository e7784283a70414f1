using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Output;
using MailFlowTools.Cli.Verbs;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Tests.Dns;

[Collection(DnsSocketCollection.Name)]
public sealed class TestEdnsReachabilityVerbTests
{
    private static FakeZone Zone()
    {
        var zone = new FakeZone();
        for (var i = 0; i < 60; i++)
        {
            zone.Mx("big.test", (ushort)i, $"mail-exchanger-{i:00}.big.test");
        }

        return zone;
    }

    private static Task<(List<object> Results, List<MailFlowException> Errors)> Run(params string[] args) => RunWithInput(null, args);

    private static async Task<(List<object> Results, List<MailFlowException> Errors)> RunWithInput(string? standardInput, params string[] args)
    {
        Assert.True(VerbRegistry.TryCreate("Test-EdnsReachability", out var verb));
        ArgumentBinder.Bind(verb, args);
        var results = new List<object>();
        var errors = new List<MailFlowException>();
        var context = new CliContext(NullEngineReporter.Instance, r => { lock (results) { results.Add(r); } }, e => { lock (errors) { errors.Add(e); } }, standardInput is null ? TextReader.Null : new StringReader(standardInput), standardInput is not null);
        await Task.Run(() => verb.RunAsync(context, CancellationToken.None));
        return (results, errors);
    }

    [Fact]
    public async Task Verb_binds_every_parameter_and_runs_the_engine()
    {
        using var server = new FakeDnsServer(Zone());
        var (results, errors) = await Run("big.test", "--server", server.EndPoint.ToString(), "--buffer-size", "0,1232", "--buffer-size", "4096", "--no-dnssec-ok", "--timeout-seconds", "5", "--compliance", "--type", "mx");

        Assert.Empty(errors);
        var result = Assert.IsType<EdnsReachabilityResult>(Assert.Single(results));
        Assert.Equal(DnsRecordType.MX, result.Type);
        Assert.All(result.Probes.Where(p => p.Kind == EdnsProbeKind.Matrix), p => Assert.False(p.DnssecOk));
        Assert.Equal(new[] { 0, 1232, 4096 }, result.Probes.Where(p => p.Kind == EdnsProbeKind.Matrix && p.Transport == DnsTransport.Udp).Select(p => p.BufferSize));
        Assert.Contains(result.Probes, p => p.Kind == EdnsProbeKind.UnknownVersion);
        Assert.Contains(result.Findings, f => f.Code == "EdnsCompliant");
        Assert.True(result.ElapsedMs < 5000);

        // JSON keeps the nested probes and findings; text output renders without throwing.
        var json = new StringWriter();
        JsonOutput.Write(json, results);
        Assert.Contains("\"Outcome\": \"Truncated\"", json.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"SmallestLostUdpAnswer\"", json.ToString(), StringComparison.Ordinal);
        var text = new StringWriter();
        TextOutput.Write(text, results);
        Assert.Contains("EdnsCompliant", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_tcp_leaves_tcp_untested()
    {
        using var server = new FakeDnsServer(Zone());
        var (results, _) = await Run("big.test", "--server", server.EndPoint.ToString(), "--no-tcp", "--timeout-seconds", "5");
        var result = Assert.IsType<EdnsReachabilityResult>(Assert.Single(results));
        Assert.Null(result.TcpWorks);
        Assert.DoesNotContain(result.Probes, p => p.Transport == DnsTransport.Tcp);
    }

    [Theory]
    [InlineData("--timeout-seconds", "0")]
    [InlineData("--buffer-size", "100")]
    public async Task Out_of_range_values_stop_the_command(string name, string value)
    {
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => Run("big.test", "--server", "127.0.0.1", name, value));
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
    }

    /// <summary>Names piped one per line are tested in turn, like the cmdlet's pipeline; a bad one is an error for that name only.</summary>
    [Fact]
    public async Task Names_on_standard_input_are_tested_in_turn()
    {
        var zone = Zone().Mx("small.test", 10, "mx.small.test");
        using var server = new FakeDnsServer(zone);
        var (results, errors) = await RunWithInput("# accepted domains\nbig.test\n\nbad..name\nsmall.test\n", "--server", server.EndPoint.ToString(), "--buffer-size", "1232", "--timeout-seconds", "2");

        Assert.Equal(new[] { "big.test", "small.test" }, results.Cast<EdnsReachabilityResult>().Select(r => r.Name));
        var error = Assert.Single(errors);
        Assert.Equal(ErrorIds.InvalidDomainName, error.ErrorId);
        Assert.Contains("bad..name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_name_is_a_usage_error()
    {
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => Run("--server", "127.0.0.1"));
        Assert.Equal(ErrorIds.InvalidUsage, ex.ErrorId);
    }
}
