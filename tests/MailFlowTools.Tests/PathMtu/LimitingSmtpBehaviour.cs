using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// A <see cref="FakeSmtpServer"/> handler with the limits real MTAs have: PIPELINING offered or not (OpenSMTPD
/// answers a group with "500 5.5.1 Invalid command: Pipelining not supported" and ends the session), a cap on
/// non-mail commands (Exim: RSET and NOOP, 10 by default, then "554 Too many nonmail commands" and a close), and a
/// cap on sessions (later ones get "421 too many connections"). Counts pipelining violations.
/// </summary>
internal sealed class LimitingSmtpBehaviour
{
    private int _sessions;
    private int _pipeliningViolations;

    public bool Pipelining { get; init; } = true;

    public int NonMailLimit { get; init; } = int.MaxValue;

    public int MaxSessions { get; init; } = int.MaxValue;

    /// <summary>Receives after EHLO that held more than one command although PIPELINING was not offered.</summary>
    public int PipeliningViolations => Volatile.Read(ref _pipeliningViolations);

    public async Task RunAsync(FakeSmtpSession s, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _sessions) > MaxSessions)
        {
            await s.WriteAsync("421 4.7.0 too many connections from your host\r\n", ct);
            s.Socket.Shutdown(SocketShutdown.Both);
            return;
        }

        await s.WriteAsync("220 limiting ESMTP test\r\n", ct);
        var nonMail = 0;
        while (await s.ReadLineAsync(ct) is { } line)
        {
            // Without PIPELINING the client waits for each reply, so each receive holds one command.
            if (!Pipelining && s.Chunks[^1].Count(b => b == (byte)'\n') > 1)
            {
                Interlocked.Increment(ref _pipeliningViolations);
                await s.WriteAsync("500 5.5.1 Invalid command: Pipelining not supported\r\n", ct);
                s.Socket.Shutdown(SocketShutdown.Both);
                return;
            }

            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            if (verb is "RSET" or "NOOP" && ++nonMail > NonMailLimit)
            {
                await s.WriteAsync("554 Too many nonmail commands\r\n", ct);
                s.Socket.Shutdown(SocketShutdown.Both);
                return;
            }

            switch (verb)
            {
                case "EHLO":
                    await s.WriteAsync("250-limiting\r\n250-SIZE 10240000\r\n" + (Pipelining ? "250-PIPELINING\r\n" : string.Empty) + "250 HELP\r\n", ct);
                    break;
                case "QUIT":
                    await s.WriteAsync("221 bye\r\n", ct);
                    return;
                default:
                    await s.WriteAsync("250 OK\r\n", ct);
                    break;
            }
        }
    }
}
