using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Smtp;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;

namespace MailFlowTools.Tests.MxPath;

/// <summary>
/// The real SMTP prober against loopback servers: a silent MX on 127.0.0.1 and a healthy one on 127.0.0.2,
/// on the same port (a walk uses one port for every hop). DNS is the fake resolver.
/// </summary>
public sealed class MxPathLoopbackTests
{
    private static readonly IPAddress Healthy = IPAddress.Parse("127.0.0.2");

    /// <summary>A healthy fake on 127.0.0.2 and a silent one on 127.0.0.1 at the same port.</summary>
    private static (FakeSmtpServer Server, SilentListener Silent) StartPair(StandardSmtpBehaviour behaviour)
    {
        for (var attempt = 0; ; attempt++)
        {
            var server = new FakeSmtpServer(behaviour.RunAsync, Healthy);
            try
            {
                return (server, new SilentListener(new IPEndPoint(IPAddress.Loopback, server.Port)));
            }
            catch (SocketException) when (attempt < 5)
            {
                // The port is taken on 127.0.0.1; try another.
                server.DisposeAsync().AsTask().Wait();
            }
        }
    }

    private static MxPathOptions Options(string? recipient = null) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        BannerTimeout = TimeSpan.FromSeconds(1),
        Recipient = recipient,
    };

    [Fact]
    public async Task A_silent_first_MX_fails_over_to_the_healthy_second_within_the_banner_timeout()
    {
        var (server, silent) = StartPair(new StandardSmtpBehaviour());
        await using var _ = server;
        using var __ = silent;
        var dns = new FakeMxResolver().AddMx("failover.test", Target(100, "silent.failover.test", "127.0.0.1"), Target(300, "mx1.failover.test", "127.0.0.2"));
        var engine = new MxPathEngine(dns, new SmtpHopProber(), null);

        var clock = Stopwatch.StartNew();
        var r = await Task.Run(() => engine.TestAsync("failover.test", Options() with { Port = server.Port }, CancellationToken.None));
        clock.Stop();

        Assert.True(r.Reachable, r.Summary);
        Assert.Equal("127.0.0.2", r.SelectedHop!.Address);
        Assert.Equal("mx1.failover.test", r.SelectedHop.Exchange);
        var first = r.Hops[0];
        Assert.Equal(MxHopOutcome.NoBanner, first.Outcome);
        Assert.NotNull(first.ConnectMs);
        Assert.Null(first.Banner);
        Assert.Contains("no answer within 1 s", first.Detail);
        Assert.Equal(1, silent.Accepted);
        Assert.Equal("220 fake.test ESMTP ready", r.SelectedHop.Banner);
        Assert.NotNull(r.SelectedHop.EhloMs);
        Assert.Equal(false, r.SelectedHop.StartTlsOffered);
        Assert.Null(r.SelectedHop.TlsEstablished);
        var walked = Assert.Single(r.Findings, f => f.Code == FindingCodes.NoBannerAfterConnect);
        Assert.Contains(r.Findings, f => f.Code == FindingCodes.PrimaryDownSecondaryUp);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "took " + clock.Elapsed);

        // Get-SmtpStageTiming against the same silent host words it the same, with the same evidence keys.
        var stages = await Task.Run(() => SmtpStageTimingEngine.RunAsync(
            new SmtpStageTimingOptions { ComputerName = "silent.failover.test", Address = "127.0.0.1", Port = server.Port, Timeouts = SmtpTimeouts.Of(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) },
            Core.Reporting.NullEngineReporter.Instance,
            null,
            CancellationToken.None));
        var timed = Assert.Single(stages.SelectMany(s => s.Findings), f => f.Code == FindingCodes.NoBannerAfterConnect);
        Assert.Equal(timed.Message, walked.Message);
        Assert.Equal(timed.Evidence.Keys.OrderBy(k => k, StringComparer.Ordinal), walked.Evidence.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(FindingSeverity.Warning, walked.Severity);

        // EHLO then QUIT: no envelope, and never DATA.
        var session = Assert.Single(server.Sessions);
        Assert.Contains(session.Commands, c => c.StartsWith("EHLO ", StringComparison.Ordinal));
        Assert.DoesNotContain(session.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal) || c.StartsWith("DATA", StringComparison.Ordinal));
        Assert.False(session.Delivered);
    }

    [Fact]
    public async Task With_a_recipient_MAIL_and_RCPT_are_tried_but_never_DATA()
    {
        var (server, silent) = StartPair(new StandardSmtpBehaviour());
        await using var _ = server;
        using var __ = silent;
        var dns = new FakeMxResolver().AddMx("rcpt.test", Target(10, "mx1.rcpt.test", "127.0.0.2"));

        var r = await Task.Run(() => new MxPathEngine(dns, new SmtpHopProber()).TestAsync("rcpt.test", Options("postmaster") with { Port = server.Port }, CancellationToken.None));

        Assert.True(r.Reachable, r.Summary);
        Assert.Equal(250, r.SelectedHop!.ReplyCode);
        Assert.NotNull(r.SelectedHop.RcptMs);
        var session = Assert.Single(server.Sessions);
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("MAIL FROM:<>", session.Commands);
        Assert.Contains(session.Commands, c => c.Equals("RCPT TO:<postmaster@rcpt.test>", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(session.Commands, c => c.StartsWith("DATA", StringComparison.OrdinalIgnoreCase));
        Assert.False(session.Delivered);
    }

    [Fact]
    public async Task A_refused_recipient_is_reported_with_the_server_reply()
    {
        var behaviour = new StandardSmtpBehaviour { Replies = { ["RCPT"] = "550 5.1.1 <nobody@rcpt.test>: User unknown" } };
        var (server, silent) = StartPair(behaviour);
        await using var _ = server;
        using var __ = silent;
        var dns = new FakeMxResolver().AddMx("rcpt.test", Target(10, "mx1.rcpt.test", "127.0.0.2"), Target(20, "mx2.rcpt.test", "127.0.0.1"));

        var r = await Task.Run(() => new MxPathEngine(dns, new SmtpHopProber()).TestAsync("rcpt.test", Options("nobody") with { Port = server.Port }, CancellationToken.None));

        Assert.False(r.Reachable);
        Assert.Equal(MxHopOutcome.RecipientRejected, r.SelectedHop!.Outcome);
        Assert.Equal(550, r.SelectedHop.ReplyCode);
        Assert.Contains("User unknown", r.SelectedHop.ReplyText);
        Assert.Equal(MxHopOutcome.NotTried, r.Hops[1].Outcome);
    }

    [Theory]
    [InlineData("421 4.3.2 Service not available", MxHopOutcome.BannerTempFailed)]
    [InlineData("554 5.3.2 No SMTP service here", MxHopOutcome.BannerRejected)]
    public async Task Refusing_greetings_are_told_apart(string greeting, MxHopOutcome expected)
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Banner = greeting }.RunAsync, Healthy);
        var dns = new FakeMxResolver().AddMx("greet.test", Target(10, "mx1.greet.test", "127.0.0.2"));

        var r = await Task.Run(() => new MxPathEngine(dns, new SmtpHopProber()).TestAsync("greet.test", Options() with { Port = server.Port }, CancellationToken.None));

        var hop = Assert.Single(r.Hops);
        Assert.Equal(expected, hop.Outcome);
        Assert.Equal(greeting, hop.Banner);
        Assert.Equal(int.Parse(greeting.Substring(0, 3), System.Globalization.CultureInfo.InvariantCulture), hop.ReplyCode);
        Assert.Contains(r.Findings, f => f.Code == FindingCodes.AllHopsFailed);
    }

    [Fact]
    public async Task A_closed_port_is_ConnectRefused_and_a_control_port_check_runs_only_after_timeouts()
    {
        // Bind then release a port so nothing listens there.
        var probe = new TcpListener(Healthy, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var dns = new FakeMxResolver().AddMx("closed.test", Target(10, "mx1.closed.test", "127.0.0.2"));

        var r = await Task.Run(() => new MxPathEngine(dns, new SmtpHopProber()).TestAsync("closed.test", Options() with { Port = port }, CancellationToken.None));

        Assert.Equal(MxHopOutcome.ConnectRefused, Assert.Single(r.Hops).Outcome);
        Assert.DoesNotContain(r.Findings, f => f.Code == FindingCodes.LocalPort25Blocked);
    }

    [Fact]
    public async Task The_port_check_tells_connected_from_refused()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync, Healthy);
        var prober = new SmtpHopProber();

        Assert.Equal(PortCheckOutcome.Connected, await prober.CheckPortAsync(Healthy, server.Port, TimeSpan.FromSeconds(1), CancellationToken.None));
        var probe = new TcpListener(Healthy, 0);
        probe.Start();
        var closed = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Assert.Equal(PortCheckOutcome.Refused, await prober.CheckPortAsync(Healthy, closed, TimeSpan.FromSeconds(1), CancellationToken.None));
    }
}
