using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

public class SmtpStageTimingEngineTests
{
    internal static SmtpStageTimingOptions Options(FakeSmtpServer server, double timeoutSeconds = 5) => new()
    {
        ComputerName = "127.0.0.1",
        Port = server.Port,
        To = new[] { "postmaster@fake.test" },
        Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(timeoutSeconds)),
        LocalBlockCheckPorts = Array.Empty<int>(),
        HeloName = "client.test",
    };

    internal static async Task<IReadOnlyList<SmtpStageResult>> RunAsync(SmtpStageTimingOptions options, RecordingReporter? reporter = null, CancellationToken ct = default) =>
        await SmtpStageTimingEngine.RunAsync(options, reporter ?? new RecordingReporter(), null, ct);

    private static SmtpStageResult Stage(IReadOnlyList<SmtpStageResult> results, SmtpStage stage) => results.Single(r => r.Stage == stage);

    [Fact]
    public async Task HealthySessionHasEveryStageAndDeliversNothing()
    {
        var behaviour = new StandardSmtpBehaviour();
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        var results = await RunAsync(Options(server));

        Assert.Equal(new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.MailFrom, SmtpStage.RcptTo, SmtpStage.Data, SmtpStage.Body }, results.Select(r => r.Stage));
        Assert.All(results, r => Assert.Equal(SmtpStageOutcome.Ok, r.Outcome));
        Assert.Equal(Enumerable.Range(1, results.Count), results.Select(r => r.Sequence));
        Assert.Single(results.Select(r => r.SessionId).Distinct());
        Assert.Equal(220, Stage(results, SmtpStage.Banner).ReplyCode);
        Assert.Equal(354, Stage(results, SmtpStage.Data).ReplyCode);
        Assert.Contains("PIPELINING", Stage(results, SmtpStage.Ehlo).Capabilities);

        // Stages follow each other on one clock.
        for (var i = 1; i < results.Count; i++)
        {
            Assert.True(results[i].StartMs >= results[i - 1].StartMs);
        }

        var session = server.LastSession!;
        Assert.True(await session.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.False(session.Delivered);
        Assert.NotNull(session.MessageData);
        Assert.Equal(SmtpMessageBuilder.DefaultSize, session.MessageData!.Length);
        Assert.DoesNotContain("\r\n.\r\n", session.ReceivedText());
    }

    // The fake server shares the thread pool with the engine and the test host; on a two-core machine the pool starts
    // with two workers and adds one per ~0.5 s when they are busy, which would show up as server delay. Off xunit's
    // synchronization context and with a few more workers, the server's delays are what the stages measure.
    [Fact]
    public Task StageClocksMatchServerDelays()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        return Task.Run(StageClocksMatchServerDelaysCore);
    }

    private static async Task StageClocksMatchServerDelaysCore()
    {
        var behaviour = new StandardSmtpBehaviour
        {
            BannerDelay = TimeSpan.FromMilliseconds(300),
            Delays = { ["EHLO"] = TimeSpan.FromMilliseconds(150), ["MAIL"] = TimeSpan.FromMilliseconds(100), ["RCPT"] = TimeSpan.FromMilliseconds(200) },
        };
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        var options = Options(server);
        options = new SmtpStageTimingOptions { ComputerName = options.ComputerName, Port = options.Port, To = options.To, Timeouts = options.Timeouts, LocalBlockCheckPorts = options.LocalBlockCheckPorts, HeloName = "client.test", Pipelining = SmtpPipeliningMode.Off, StartTls = SmtpStartTlsMode.Off };
        var results = await RunAsync(options);

        // The banner clock also runs while the server accepts and starts its handler, so only a lower bound is tight.
        var banner = Stage(results, SmtpStage.Banner).ElapsedMs;
        Assert.True(banner >= 250 && banner < 1500, $"banner {banner} ms");
        AssertNear(150, Stage(results, SmtpStage.Ehlo).ElapsedMs);
        AssertNear(100, Stage(results, SmtpStage.MailFrom).ElapsedMs);
        AssertNear(200, Stage(results, SmtpStage.RcptTo).ElapsedMs);
        Assert.All(results.Where(r => r.Stage is SmtpStage.MailFrom or SmtpStage.RcptTo or SmtpStage.Data), r => Assert.False(r.Pipelined));
    }

    // The fake server's Task.Delay runs on .NET's coarse tick clock (CLOCK_MONOTONIC_COARSE on Linux, 4 ms at
    // HZ=250), so it may end up to one tick early.
    private static void AssertNear(double expectedMs, double actualMs) =>
        Assert.True(actualMs >= expectedMs - 5 && actualMs < expectedMs + 80, $"expected about {expectedMs} ms, measured {actualMs} ms");

    [Fact]
    public async Task PipelinedEnvelopeIsOneWrite()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var results = await RunAsync(Options(server));
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));

        var chunk = session.Chunks[session.ChunkIndexContaining("MAIL FROM")];
        Assert.Equal("MAIL FROM:<>\r\nRCPT TO:<postmaster@fake.test>\r\nDATA\r\n", Encoding.ASCII.GetString(chunk));
        Assert.All(results.Where(r => r.Stage is SmtpStage.MailFrom or SmtpStage.RcptTo or SmtpStage.Data), r => Assert.True(r.Pipelined));
    }

    [Fact]
    public async Task WithoutPipeliningAdvertisedCommandsGoOneAtATime()
    {
        var behaviour = new StandardSmtpBehaviour { Extensions = new[] { "SIZE 1000000" } };
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        await RunAsync(Options(server));
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Equal("MAIL FROM:<>\r\n", Encoding.ASCII.GetString(session.Chunks[session.ChunkIndexContaining("MAIL FROM")]));
        Assert.Equal("DATA\r\n", Encoding.ASCII.GetString(session.Chunks[session.ChunkIndexContaining("DATA")]));
    }

    [Theory]
    [InlineData(513)]
    [InlineData(1025)]
    public async Task PaddedEnvelopeArrivesAsOneWriteOfExactSize(int size)
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, HeloName = "client.test", EnvelopeSize = size, Pipelining = SmtpPipeliningMode.Force });
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));

        var chunk = session.Chunks[session.ChunkIndexContaining("MAIL FROM")];
        Assert.Equal(size, chunk.Length);
        Assert.EndsWith("DATA\r\n", Encoding.ASCII.GetString(chunk));
        Assert.Equal(size, results.Where(r => r.Pipelined).Sum(r => r.BytesSent));
        Assert.Contains("MAIL FROM:<mailflow-", Encoding.ASCII.GetString(chunk));
    }

    [Fact]
    public async Task BodyOfChosenSizeIsSentAndAcknowledged()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, MessageSize = 200_000 });
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));

        var body = Stage(results, SmtpStage.Body);
        Assert.Equal(SmtpStageOutcome.Ok, body.Outcome);
        Assert.Equal(200_000, body.BytesSent);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(200_000, body.BytesAcked);
        }

        Assert.Equal(200_000, session.MessageData!.Length);
        Assert.False(session.Delivered);
    }

    [Fact]
    public async Task DeliverCompletesTheMessage()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, MessageSize = 5000, Deliver = true });
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));

        Assert.True(session.Delivered);
        Assert.Equal(5000, session.MessageData!.Length);
        if (OperatingSystem.IsLinux())
        {
            // EHLO, envelope, body, ".\r\n": the end of data in one segment when not split.
            Assert.Equal(4, session.DataSegmentsAtEndOfData);
        }

        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.EndOfData).Outcome);
        Assert.Equal(250, Stage(results, SmtpStage.EndOfData).ReplyCode);
        Assert.Equal(221, Stage(results, SmtpStage.Quit).ReplyCode);
    }

    [Fact]
    public async Task SplitEndOfDataSendsDotAndCrlfSeparately()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, Deliver = true, SplitEndOfData = true });
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));

        // On the wire the '.' and the CRLF are separate segments: EHLO, envelope, body, '.', CRLF. (The server's reads
        // may still merge them on a busy machine, so the kernel's segment count is the evidence.)
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(5, session.DataSegmentsAtEndOfData);
        }

        Assert.EndsWith("\r\n.\r\n", session.ReceivedText().Replace("QUIT\r\n", string.Empty, StringComparison.Ordinal));
        Assert.True(session.Delivered);
        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.EndOfData).Outcome);
    }

    [Fact]
    public async Task LostEndOfDataWhenSplitIsReported()
    {
        // A server that never sees the end of data (like the PIX fixup swallowing the CRLF): it just waits.
        await using var server = new FakeSmtpServer(async (s, ct) =>
        {
            await s.WriteAsync("220 fake.test\r\n", ct);
            while (await s.ReadLineAsync(ct) is { } line)
            {
                if (line == "DATA")
                {
                    await s.WriteAsync("354 go ahead\r\n", ct);
                    await s.WaitForCloseAsync(TimeSpan.FromSeconds(5));
                    return;
                }

                await s.WriteAsync("250 ok\r\n", ct);
            }
        });
        var o = Options(server, timeoutSeconds: 1);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, Deliver = true, SplitEndOfData = true });
        var eod = Stage(results, SmtpStage.EndOfData);
        Assert.Equal(SmtpStageOutcome.Timeout, eod.Outcome);
        Assert.Contains(eod.Findings, f => f.Code == FindingCodes.EndOfDataSplitFails);
    }

    [Fact]
    public async Task StopAfterRcptQuitsWithoutData()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = new[] { "a@fake.test", "b@fake.test" }, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, StopAfter = SmtpStopAfter.Rcpt });
        Assert.Equal(new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.MailFrom, SmtpStage.RcptTo, SmtpStage.RcptTo, SmtpStage.Quit }, results.Select(r => r.Stage));
        Assert.Equal(new[] { "a@fake.test", "b@fake.test" }, results.Where(r => r.Stage == SmtpStage.RcptTo).Select(r => r.Recipient));
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("DATA", session.Commands);
    }

    [Theory]
    [InlineData(SmtpStopAfter.Connect, new[] { SmtpStage.Connect })]
    [InlineData(SmtpStopAfter.Banner, new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Quit })]
    [InlineData(SmtpStopAfter.Ehlo, new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.Quit })]
    [InlineData(SmtpStopAfter.Mail, new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.MailFrom, SmtpStage.Quit })]
    [InlineData(SmtpStopAfter.Data, new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.MailFrom, SmtpStage.RcptTo, SmtpStage.Data })]
    public async Task StopAfterEndsTheSession(SmtpStopAfter stop, SmtpStage[] expected)
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, StopAfter = stop });
        Assert.Equal(expected, results.Select(r => r.Stage));
        Assert.All(results, r => Assert.Equal(SmtpStageOutcome.Ok, r.Outcome));
        Assert.True(await server.LastSession!.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task EhloRejectedFallsBackToHelo()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { RejectEhlo = true }.RunAsync);
        var results = await RunAsync(Options(server));
        Assert.Equal(SmtpStageOutcome.Rejected, Stage(results, SmtpStage.Ehlo).Outcome);
        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.Helo).Outcome);
        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.Body).Outcome);
        Assert.False(Stage(results, SmtpStage.MailFrom).Pipelined);
    }

    [Fact]
    public async Task RejectedRecipientStopsBeforeData()
    {
        var behaviour = new StandardSmtpBehaviour { Extensions = Array.Empty<string>(), Replies = { ["RCPT"] = "550 5.1.1 <postmaster@fake.test>: Recipient address rejected" } };
        await using var server = new FakeSmtpServer(behaviour.RunAsync);
        var results = await RunAsync(Options(server));
        var rcpt = Stage(results, SmtpStage.RcptTo);
        Assert.Equal(SmtpStageOutcome.Rejected, rcpt.Outcome);
        Assert.Equal("5.1.1", rcpt.EnhancedStatus);
        Assert.Equal(FindingCodes.RecipientRefused, Assert.Single(rcpt.Findings).Code);
        Assert.Equal(SmtpStage.Quit, results[^1].Stage);
        Assert.DoesNotContain(results, r => r.Stage == SmtpStage.Data);
    }

    [Fact]
    public async Task TempFailedBanner()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Banner = "421 4.3.2 Service shutting down" }.RunAsync);
        var results = await RunAsync(Options(server));
        var banner = Stage(results, SmtpStage.Banner);
        Assert.Equal(SmtpStageOutcome.TempFailed, banner.Outcome);
        Assert.Equal("4.3.2", banner.EnhancedStatus);
    }

    [Fact]
    public async Task MaskedBannerIsAFinding()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Banner = "220 *******************0****0*********2*****" }.RunAsync);
        var results = await RunAsync(Options(server));
        var banner = Stage(results, SmtpStage.Banner);
        Assert.Equal(SmtpStageOutcome.Ok, banner.Outcome);
        Assert.Contains(banner.Findings, f => f.Code == FindingCodes.BannerMasked);
    }

    [Fact]
    public async Task SlowGreetingIsInformational()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { BannerDelay = TimeSpan.FromMilliseconds(400) }.RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, SlowGreetingThreshold = TimeSpan.FromMilliseconds(200), StopAfter = SmtpStopAfter.Banner });
        var finding = Assert.Single(Stage(results, SmtpStage.Banner).Findings);
        Assert.Equal(FindingCodes.SlowGreeting, finding.Code);
        Assert.False(finding.IsProblem);
    }

    [Fact]
    public async Task RefusedConnectionAndLocalBlockHeuristic()
    {
        // Find a closed port: bind, remember, release.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var open = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);

        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = "127.0.0.1", Port = closedPort, Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(2)), LocalBlockCheckPorts = new[] { open.Port } });
        var connect = Assert.Single(results);
        Assert.Equal(SmtpStageOutcome.Refused, connect.Outcome);
        var finding = Assert.Single(connect.Findings);
        Assert.Equal(FindingCodes.LocalPort25Blocked, finding.Code);
        Assert.Equal(open.Port, finding.Evidence["ControlPort"]);
        Assert.Equal("Connected", finding.Evidence["ControlOutcome"]);
        Assert.Equal("127.0.0.1", finding.Evidence["ControlAddress"]);

        var alone = await RunAsync(new SmtpStageTimingOptions { ComputerName = "127.0.0.1", Port = closedPort, Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(2)), LocalBlockCheckPorts = new[] { closedPort } });
        Assert.Equal(FindingCodes.ServerUnreachable, Assert.Single(Assert.Single(alone).Findings).Code);
    }

    [Fact]
    public async Task StartTlsReportsCertificateAndSessionContinues()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Certificate = TestCertificates.SelfSigned }.RunAsync);
        var results = await RunAsync(Options(server));
        var tls = Stage(results, SmtpStage.StartTls);
        Assert.Equal(SmtpStageOutcome.Ok, tls.Outcome);
        Assert.Equal("CN=fake.test", tls.CertificateSubject);
        Assert.Equal("CN=fake.test", tls.CertificateIssuer);
        Assert.NotNull(tls.CertificateNotAfter);
        Assert.NotEqual("Valid", tls.CertificateStatus);
        Assert.StartsWith("Tls", tls.TlsProtocol);
        Assert.False(string.IsNullOrEmpty(tls.TlsCipher));
        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.EhloTls).Outcome);
        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.Body).Outcome);
    }

    [Fact]
    public async Task InvalidCertificateFailsOnlyWhenAsked()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Certificate = TestCertificates.SelfSigned }.RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, ValidateCertificate = true });
        var tls = Stage(results, SmtpStage.StartTls);
        Assert.Equal(SmtpStageOutcome.TlsFailed, tls.Outcome);
        Assert.Contains(tls.Findings, f => f.Code == FindingCodes.StartTlsFailed);
    }

    [Fact]
    public async Task RequireStartTlsWhenNotOfferedFails()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, StartTls = SmtpStartTlsMode.Require });
        var tls = Stage(results, SmtpStage.StartTls);
        Assert.Equal(SmtpStageOutcome.TlsFailed, tls.Outcome);
        Assert.Contains(tls.Findings, f => f.Code == FindingCodes.StartTlsFailed);
        Assert.Equal(SmtpStage.Quit, results[^1].Stage);
    }

    [Fact]
    public async Task CredentialNeverAppearsInTranscriptOrResults()
    {
        const string password = "S3cret-Pa55word!";
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Certificate = TestCertificates.SelfSigned, Extensions = new[] { "PIPELINING", "AUTH PLAIN LOGIN" } }.RunAsync);
        var reporter = new RecordingReporter();
        var o = Options(server);
        var credential = new SmtpCredential("probe-user", password);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, Credential = credential, AllowInsecureAuth = true }, reporter);

        Assert.Equal(SmtpStageOutcome.Ok, Stage(results, SmtpStage.Auth).Outcome);
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0probe-user\0" + password));
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Contains("AUTH PLAIN " + token, session.Commands);

        var everything = reporter.AllText() + JsonSerializer.Serialize(results) + credential;
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain(token, everything);
        Assert.Contains("AUTH PLAIN ****", everything);
    }

    [Fact]
    public async Task AuthLoginIsRedactedToo()
    {
        const string password = "An0ther-Secret";
        await using var server = new FakeSmtpServer(async (s, ct) =>
        {
            var b = new StandardSmtpBehaviour { Certificate = TestCertificates.SelfSigned, Extensions = new[] { "AUTH LOGIN" }, Replies = { ["AUTH"] = "334 VXNlcm5hbWU6" } };
            await b.RunAsync(s, ct);
        });
        var reporter = new RecordingReporter();
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, Credential = new SmtpCredential("u", password), StopAfter = SmtpStopAfter.Mail, AllowInsecureAuth = true }, reporter);
        var everything = reporter.AllText() + JsonSerializer.Serialize(results);
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), everything);
    }

    [Fact]
    public async Task AuthIsNeverSentWithoutTls()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Extensions = new[] { "AUTH PLAIN" } }.RunAsync);
        var o = Options(server);
        var results = await RunAsync(new SmtpStageTimingOptions { ComputerName = o.ComputerName, Port = o.Port, To = o.To, Timeouts = o.Timeouts, LocalBlockCheckPorts = o.LocalBlockCheckPorts, Credential = new SmtpCredential("u", "p") });
        Assert.NotEqual(SmtpStageOutcome.Ok, Stage(results, SmtpStage.Auth).Outcome);
        var session = server.LastSession!;
        await session.HandlerDone.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(session.Commands, c => c.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancellationIsPromptAndSeparateFromTimeouts()
    {
        await using var server = new FakeSmtpServer(async (s, ct) => await Task.Delay(Timeout.Infinite, ct));
        using var cts = new CancellationTokenSource();
        var run = RunAsync(Options(server, timeoutSeconds: 60), ct: cts.Token);
        await Task.Delay(300);
        var sw = Stopwatch.StartNew();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(sw.ElapsedMilliseconds < 250, $"cancelled in {sw.ElapsedMilliseconds} ms");
        Assert.True(await server.LastSession!.WaitForCloseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task InvalidCombinationsAreInvocationErrors()
    {
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => RunAsync(new SmtpStageTimingOptions { ComputerName = "127.0.0.1", SplitEndOfData = true }));
        Assert.True(ex.IsInvalidInvocation);
        ex = await Assert.ThrowsAsync<MailFlowException>(() => RunAsync(new SmtpStageTimingOptions { ComputerName = "127.0.0.1", Deliver = true, StopAfter = SmtpStopAfter.Rcpt }));
        Assert.True(ex.IsInvalidInvocation);
        ex = await Assert.ThrowsAsync<MailFlowException>(() => RunAsync(new SmtpStageTimingOptions { ComputerName = "127.0.0.1", To = new[] { "a>\r\nRSET" } }));
        Assert.Equal(ErrorIds.InvalidAddress, ex.ErrorId);
    }

    [Fact]
    public async Task StagesAreReportedAsTheyEnd()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var seen = new List<SmtpStage>();
        var results = await SmtpStageTimingEngine.RunAsync(Options(server), new RecordingReporter(), r => seen.Add(r.Stage), CancellationToken.None);
        Assert.Equal(results.Select(r => r.Stage), seen);
    }
}
