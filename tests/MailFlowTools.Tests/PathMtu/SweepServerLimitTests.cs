using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// The envelope sweep against servers with real MTAs' limits (issue #19): no pipelining where it was not offered,
/// every default size measured under Exim's non-mail limit, and sizes a server limit left unmeasured reported as
/// Inconclusive with a finding, never as passed.
/// </summary>
public sealed class SweepServerLimitTests
{
    private static async Task<MtuProbeResult> SweepAsync(int port, int[] sizes)
    {
        var results = new List<MtuProbeResult>();
        await new PathMtuEngine().RunAsync(
            new MtuProbeOptions { ComputerName = "127.0.0.1", Method = MtuProbeMethod.Sweep, Port = port, PayloadSizes = sizes, Timeout = TimeSpan.FromSeconds(2) },
            results.Add,
            CancellationToken.None);
        return Assert.Single(results);
    }

    [Fact]
    public async Task A_server_without_PIPELINING_gets_one_padded_command_per_write()
    {
        var behaviour = new LimitingSmtpBehaviour { Pipelining = false };
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        var sizes = new[] { 100, 512, 513, 1025, 1460, 2050 };
        var result = await SweepAsync(server.Port, sizes);

        Assert.Equal(0, behaviour.PipeliningViolations);
        Assert.Equal(sizes, result.Sweep.Select(e => e.PayloadSize));
        Assert.All(result.Sweep, e => Assert.Equal(SweepOutcome.Passed, e.Outcome));
        Assert.All(result.Sweep, e => Assert.Equal(SweepWriteMethod.SingleCommand, e.Method));
        Assert.DoesNotContain(result.Findings, f => f.IsProblem);
        Assert.Equal(sizes.Length, server.Sessions.Count);
    }

    [Fact]
    public async Task Every_default_size_is_measured_under_an_Exim_like_non_mail_limit()
    {
        await using var server = new FakeSmtpServer(new LimitingSmtpBehaviour { NonMailLimit = 10 }.RunAsync);
        var result = await SweepAsync(server.Port, MtuProbeOptions.DefaultSweepSizes);

        Assert.Equal(MtuProbeOptions.DefaultSweepSizes, result.Sweep.Select(e => e.PayloadSize));
        Assert.All(result.Sweep, e => Assert.True(e.Outcome == SweepOutcome.Passed && e.Attempts > 0, e.PayloadSize + ": " + e.Detail));
        Assert.All(result.Sweep, e => Assert.Equal(SweepWriteMethod.PipelinedEnvelope, e.Method));
        Assert.DoesNotContain(result.Findings, f => f.IsProblem);

        // One session per size: nothing had to be retried.
        Assert.Equal(MtuProbeOptions.DefaultSweepSizes.Length, server.Sessions.Count);
    }

    [Fact]
    public async Task A_size_beyond_the_non_mail_limit_is_measured_again_as_one_command()
    {
        await using var server = new FakeSmtpServer(new LimitingSmtpBehaviour { NonMailLimit = 10 }.RunAsync);
        var result = await SweepAsync(server.Port, new[] { 8000 });

        var entry = Assert.Single(result.Sweep);
        Assert.Equal(SweepOutcome.Passed, entry.Outcome);
        Assert.Equal(SweepWriteMethod.SingleCommand, entry.Method);
        Assert.DoesNotContain(result.Findings, f => f.IsProblem);
        Assert.Equal(2, server.Sessions.Count);
    }

    [Fact]
    public async Task Sizes_no_session_could_measure_are_inconclusive_and_named_in_a_warning()
    {
        await using var server = new FakeSmtpServer(new LimitingSmtpBehaviour { MaxSessions = 3 }.RunAsync);
        var sizes = new[] { 300, 400, 512, 513, 600, 700, 800, 900 };
        var result = await SweepAsync(server.Port, sizes);

        var unmeasured = result.Sweep.Where(e => e.Attempts == 0).Select(e => e.PayloadSize).ToArray();
        Assert.Equal(sizes.Length - 3, unmeasured.Length);
        Assert.All(result.Sweep.Where(e => e.Attempts == 0), e => Assert.Equal(SweepOutcome.Inconclusive, e.Outcome));
        var finding = Assert.Single(result.Findings, f => f.Code == FindingCodes.SweepIncomplete);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal(unmeasured, (int[])finding.Evidence["InconclusivePayloadSizes"]);
        Assert.All(unmeasured, s => Assert.Contains(s.ToString(System.Globalization.CultureInfo.InvariantCulture), finding.Message));
        Assert.False(result.BlackHole);

        // Bounded: each size opens at most its first attempt, the retries and one single-command retry.
        Assert.True(server.Sessions.Count <= sizes.Length * 4, server.Sessions.Count + " sessions");
    }
}
