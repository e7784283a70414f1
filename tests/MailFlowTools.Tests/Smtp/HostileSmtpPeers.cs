using System;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// Server behaviours that misbehave on purpose, for <see cref="FakeSmtpServer"/>: shared by the in-process and the
/// CLI hostile-peer tests.
/// </summary>
internal static class HostileSmtpPeers
{
    public static async Task Greet(FakeSmtpSession s, CancellationToken ct, string extensions = "250 PIPELINING")
    {
        await s.WriteAsync("220 hostile.test ESMTP\r\n", ct);
        await s.ReadLineAsync(ct);
        await s.WriteAsync("250-hostile.test\r\n" + extensions + "\r\n", ct);
    }

    public static async Task OneBytePerSecond(FakeSmtpSession s, CancellationToken ct)
    {
        foreach (var b in Encoding.ASCII.GetBytes("220 slow.test ESMTP\r\n"))
        {
            await s.WriteBytesAsync(new[] { b }, ct);
            await Task.Delay(1000, ct);
        }
    }

    public static async Task NeverEndsAMultilineReply(FakeSmtpSession s, CancellationToken ct)
    {
        await s.WriteAsync("220 hostile.test\r\n", ct);
        await s.ReadLineAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            await s.WriteAsync("250-still going\r\n", ct);
            await Task.Delay(20, ct);
        }
    }

    public static async Task FloodsAMultilineReply(FakeSmtpSession s, CancellationToken ct)
    {
        await s.WriteAsync("220 hostile.test\r\n", ct);
        await s.ReadLineAsync(ct);
        var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("250-flood flood flood flood flood\r\n", 1000)));
        for (var i = 0; i < 300; i++)
        {
            await s.WriteBytesAsync(block, ct);
        }
    }

    public static async Task TenMegabyteLine(FakeSmtpSession s, CancellationToken ct)
    {
        await s.WriteAsync("220 ", ct);
        var block = new byte[64 * 1024];
        Array.Fill(block, (byte)'A');
        for (var sent = 0; sent < 10 * 1024 * 1024; sent += block.Length)
        {
            await s.WriteBytesAsync(block, ct);
        }

        await s.WriteAsync("\r\n", ct);
    }

    public static Func<FakeSmtpSession, CancellationToken, Task> SendsBanner(string banner) => async (s, ct) =>
    {
        await s.WriteAsync(banner, ct);
        await s.WaitForCloseAsync(TimeSpan.FromSeconds(3));
    };

    public static async Task ClosesMidReply(FakeSmtpSession s, CancellationToken ct)
    {
        await s.WriteAsync("220-first line\r\n220-sec", ct);
        s.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        await s.WaitForCloseAsync(TimeSpan.FromSeconds(3));
    }

    /// <summary>Greets, answers EHLO, then resets the connection on the next command (MAIL FROM).</summary>
    public static async Task ResetsTheConnection(FakeSmtpSession s, CancellationToken ct)
    {
        await Greet(s, ct);
        await s.ReadLineAsync(ct);
        s.Reset();
    }

    public static async Task GarbageInsteadOfTlsHandshake(FakeSmtpSession s, CancellationToken ct)
    {
        await Greet(s, ct, "250 STARTTLS");
        await s.ReadLineAsync(ct);
        await s.WriteAsync("220 go ahead\r\n", ct);
        await s.ReadLineAsync(ct);
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        await s.WriteBytesAsync(garbage, ct);
        await s.WaitForCloseAsync(TimeSpan.FromSeconds(3));
    }

    public static async Task PlaintextAfter220ToStartTls(FakeSmtpSession s, CancellationToken ct)
    {
        await Greet(s, ct, "250 STARTTLS");
        await s.ReadLineAsync(ct);
        await s.WriteAsync("220 go ahead\r\n250 plain text again\r\n", ct);
        await Task.Delay(50, ct);
        await s.WriteAsync("250 still plain text\r\n", ct);
        await s.WaitForCloseAsync(TimeSpan.FromSeconds(3));
    }

    public static async Task BannerThenSilence(FakeSmtpSession s, CancellationToken ct)
    {
        await s.WriteAsync("220 hostile.test ESMTP\r\n", ct);
        await s.WaitForCloseAsync(TimeSpan.FromSeconds(3));
    }

    public static async Task SilentAfterHandshake(FakeSmtpSession s, CancellationToken ct) => await s.WaitForCloseAsync(TimeSpan.FromSeconds(3));
}
