using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Runs one tiny SMTP exchange over loopback before the first timed session, so JIT compilation of the socket,
/// stream and parser paths (tens of milliseconds) is not counted in the Connect and Banner stages.
/// </summary>
internal static class SmtpWarmup
{
    private static int _done;

    public static async Task RunOnceAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        TcpListener? listener = null;
        try
        {
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(1);
#if NET8_0_OR_GREATER
            var accept = listener.AcceptSocketAsync(ct).AsTask();
#else
            var accept = listener.AcceptSocketAsync();
#endif
            var endPoint = (IPEndPoint)listener.LocalEndpoint;
            var timeout = TimeSpan.FromSeconds(2);
            using var client = await SmtpConnection.ConnectAsync(endPoint, SmtpConnectionSettings.Default, "warmup", NullEngineReporter.Instance, timeout, ct);
            using var server = await accept;
            server.Send(Encoding.ASCII.GetBytes("220-warm\r\n220 up\r\n"));
            await client.ReadReplyAsync(timeout, ct);
            await client.WriteLineAsync("QUIT", timeout, ct);
            _ = client.ReadTcpInfo();
            _ = TcpInfoReader.Read(server);
            client.Close();
        }
        catch (Exception ex) when (ex is SocketException or SmtpConnectionException or ObjectDisposedException or InvalidOperationException)
        {
            // Only a speed-up; a machine without loopback still runs the probe.
        }
        finally
        {
            listener?.Stop();
        }
    }
}
