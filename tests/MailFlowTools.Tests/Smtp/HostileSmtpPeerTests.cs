using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

[CollectionDefinition("HostileSmtp", DisableParallelization = true)]
public sealed class HostileSmtpCollection
{
}

/// <summary>
/// Servers that misbehave on purpose. For each: a typed outcome within the stage timeout + 10 %, bounded memory,
/// no unhandled exception, and the client's socket closed afterwards. Runs alone so allocation counts are this test's.
/// </summary>
[Collection("HostileSmtp")]
public class HostileSmtpPeerTests
{
    private const double TimeoutSeconds = 1.0;
    private const long AllocationCap = 8L * 1024 * 1024;

    private static async Task<IReadOnlyList<SmtpStageResult>> RunAgainst(Func<FakeSmtpSession, CancellationToken, Task> peer, SmtpStage failingStage, SmtpStageOutcome expected, SmtpStartTlsMode tls = SmtpStartTlsMode.Auto, int messageSize = 0, int serverReceiveBuffer = 0, double progressAllowanceMs = 0)
    {
        await using var server = new FakeSmtpServer(peer, receiveBufferSize: serverReceiveBuffer);
        var options = new SmtpStageTimingOptions
        {
            ComputerName = "127.0.0.1",
            Port = server.Port,
            To = new[] { "postmaster@fake.test" },
            Timeouts = SmtpTimeouts.Uniform(TimeSpan.FromSeconds(TimeoutSeconds)),
            LocalBlockCheckPorts = Array.Empty<int>(),
            HeloName = "client.test",
            StartTls = tls,
            MessageSize = messageSize,
        };

        // Warm the engine once so JIT allocations are not counted.
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.StartNew();
        var results = await SmtpStageTimingEngine.RunAsync(options, new RecordingReporter(), null, CancellationToken.None);
        wall.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        var failed = results.Last(r => r.Outcome != SmtpStageOutcome.Ok);
        Assert.True(failingStage == failed.Stage, $"{failed.Stage} {failed.Outcome}: {failed.ReplyText}");
        Assert.True(expected == failed.Outcome, $"{failed.Stage} {failed.Outcome}: {failed.ReplyText}");
        Assert.True(failed.ElapsedMs <= TimeoutSeconds * 1000 * 1.1 + progressAllowanceMs, $"{failed.Stage} took {failed.ElapsedMs} ms");
        // The whole session is bounded too; the margin absorbs connect, the earlier stages and a busy CI machine.
        Assert.True(wall.Elapsed.TotalMilliseconds <= TimeoutSeconds * 1000 * 1.1 + 2000 + progressAllowanceMs, $"session took {wall.Elapsed.TotalMilliseconds} ms: " + string.Join(", ", results.Select(r => $"{r.Stage}@{r.StartMs}+{r.ElapsedMs}")));
        // The generated message is one array of its size.
        Assert.True(allocated < AllocationCap + messageSize, $"allocated {allocated} bytes");

        // No socket left behind: the server sees the client's close (or reset) promptly.
        var session = server.LastSession!;
        Assert.True(await session.WaitForCloseAsync(TimeSpan.FromSeconds(2)), "the client closed its socket");
        return results;
    }

    [Fact]
    public async Task OneBytePerSecond()
    {
        await RunAgainst(
            HostileSmtpPeers.OneBytePerSecond,
            SmtpStage.Banner,
            SmtpStageOutcome.Timeout);
    }

    [Fact]
    public async Task NeverEndsAMultilineReply()
    {
        await RunAgainst(
            HostileSmtpPeers.NeverEndsAMultilineReply,
            SmtpStage.Ehlo,
            SmtpStageOutcome.Timeout);
    }

    [Fact]
    public async Task FloodsAMultilineReplyPastTheCap()
    {
        await RunAgainst(
            HostileSmtpPeers.FloodsAMultilineReply,
            SmtpStage.Ehlo,
            SmtpStageOutcome.ProtocolError);
    }

    [Fact]
    public async Task TenMegabyteLine()
    {
        await RunAgainst(
            HostileSmtpPeers.TenMegabyteLine,
            SmtpStage.Banner,
            SmtpStageOutcome.ProtocolError);
    }

    [Theory]
    [InlineData("hello, this is not SMTP\r\n")]
    [InlineData("999 out of range\r\n")]
    [InlineData("2x0 nope\r\n")]
    [InlineData("220-first\r\n550 second\r\n")]
    [InlineData("\0\0\0\0\r\n")]
    public async Task InvalidReplyCodes(string banner)
    {
        await RunAgainst(
            HostileSmtpPeers.SendsBanner(banner),
            SmtpStage.Banner,
            SmtpStageOutcome.ProtocolError);
    }

    [Fact]
    public async Task ClosesMidReply()
    {
        await RunAgainst(
            HostileSmtpPeers.ClosesMidReply,
            SmtpStage.Banner,
            SmtpStageOutcome.Closed);
    }

    [Fact]
    public async Task ResetsTheConnection()
    {
        await RunAgainst(
            HostileSmtpPeers.ResetsTheConnection,
            SmtpStage.MailFrom,
            SmtpStageOutcome.Reset);
    }

    [Fact]
    public async Task GarbageInsteadOfTlsHandshake()
    {
        await RunAgainst(
            HostileSmtpPeers.GarbageInsteadOfTlsHandshake,
            SmtpStage.StartTls,
            SmtpStageOutcome.TlsFailed);
    }

    [Fact]
    public async Task PlaintextAfter220ToStartTls()
    {
        await RunAgainst(
            HostileSmtpPeers.PlaintextAfter220ToStartTls,
            SmtpStage.StartTls,
            SmtpStageOutcome.TlsFailed);
    }

    [Fact]
    public async Task BannerThenSilence()
    {
        await RunAgainst(
            HostileSmtpPeers.BannerThenSilence,
            SmtpStage.Ehlo,
            SmtpStageOutcome.Timeout);
    }

    [Fact]
    public async Task SilentAfterHandshake()
    {
        var results = await RunAgainst(
            HostileSmtpPeers.SilentAfterHandshake,
            SmtpStage.Banner,
            SmtpStageOutcome.Timeout);
        Assert.Contains(results.Single(r => r.Stage == SmtpStage.Banner).Findings, f => f.Code == Core.Findings.FindingCodes.NoBannerAfterConnect);
    }

    [Fact]
    public async Task ServerThatStopsReadingDuringTheBody()
    {
        // The server accepts DATA and then never reads: the send buffer fills, acknowledgements stop (zero window).
        var results = await RunAgainst(
            async (s, ct) =>
            {
                await HostileSmtpPeers.Greet(s, ct);
                while (await s.ReadLineAsync(ct) is { } line)
                {
                    if (line == "DATA")
                    {
                        await s.WriteAsync("250 ok\r\n250 ok\r\n354 go\r\n", ct);
                        await Task.Delay(5000, ct);
                        return;
                    }
                }
            },
            SmtpStage.Body,
            SmtpStageOutcome.Timeout,
            SmtpStartTlsMode.Off,
            messageSize: 4 * 1024 * 1024,
            serverReceiveBuffer: 4096,
            progressAllowanceMs: 500); // the data timeout counts from the last acknowledgement, and the full window drains for a while
        var body = results.Single(r => r.Stage == SmtpStage.Body);
        Assert.True(body.BytesSent < 4 * 1024 * 1024, $"only part of the message could be written ({body.BytesSent})");
        if (OperatingSystem.IsLinux())
        {
            // TCP_INFO shows the stall itself: part of what was written is still waiting for the peer's window.
            Assert.True(body.BytesAcked < body.BytesSent, $"acknowledged {body.BytesAcked} of {body.BytesSent} bytes");
        }
    }
}
