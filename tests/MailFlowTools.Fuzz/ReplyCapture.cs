using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Fuzz;

/// <summary>
/// Saves real SMTP replies, byte for byte, as fuzzing seeds (one .reply file per reply): a scripted set of sessions
/// against a lab Postfix that covers greetings, EHLO, every refusal Postfix gives before DATA, a pipelined batch,
/// STARTTLS, the error limit and QUIT. Never delivers: the one session that reaches 354 is reset before any data.
/// </summary>
internal static class ReplyCapture
{
    public static async Task<int> RunAsync(string serverText, string outDir, TextWriter output, CancellationToken cancellationToken)
    {
        var parts = serverText.Split(':');
        if (!IPAddress.TryParse(parts[0], out var address))
        {
            output.WriteLine("Give the server as an address[:port].");
            return 2;
        }

        var server = new IPEndPoint(address, parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 25);
        Directory.CreateDirectory(outDir);
        var prefix = address.ToString().Replace(':', '_').Replace('.', '_');
        var saved = 0;

        async Task Save(string name, byte[] bytes)
        {
            var file = Path.Combine(outDir, $"{prefix}-{name}.reply");
            await File.WriteAllBytesAsync(file, bytes, cancellationToken);
            saved++;
            output.WriteLine($"{Path.GetFileName(file)}: {Encoding.UTF8.GetString(bytes).TrimEnd().Replace("\r\n", " | ", StringComparison.Ordinal)}");
        }

        // Session 1: the commands Postfix answers before DATA, one at a time.
        using (var s = await CaptureSession.OpenAsync(server, cancellationToken))
        {
            await Save("01-banner", await s.ReadRepliesAsync(1, cancellationToken));
            var script = new (string Name, string Command)[]
            {
                ("02-ehlo", "EHLO capture.lab.test"),
                ("03-noop", "NOOP"),
                ("04-vrfy", "VRFY postmaster"),
                ("05-help", "HELP"),
                ("06-auth-not-enabled", "AUTH PLAIN"),
                ("07-rcpt-before-mail", "RCPT TO:<postmaster@lab.test>"),
                ("08-data-before-rcpt", "DATA"),
                ("10-mail-bad-syntax", "MAIL FROM:<capture@client.lab.test"),
                ("11-mail", "MAIL FROM:<capture@client.lab.test>"),
                ("12-mail-nested", "MAIL FROM:<capture@client.lab.test>"),
                ("13-rcpt-unknown-user", "RCPT TO:<unknown@lab.test>"),
                ("14-rcpt-relay-denied", "RCPT TO:<someone@example.invalid>"),
                ("15-rcpt-bad-syntax", "RCPT TO:<no closing bracket"),
                ("16-rcpt", "RCPT TO:<postmaster@lab.test>"),
                ("17-rset", "RSET"),
                ("18-unknown-command", "XYZZY"),
                ("19-long-command", "NOOP " + new string('x', 3000)),
                ("20-etrn", "ETRN lab.test"),
            };
            foreach (var (name, command) in script)
            {
                await s.WriteAsync(command + "\r\n", cancellationToken);
                await Save(name, await s.ReadRepliesAsync(1, cancellationToken));
            }

            // A pipelined batch: the replies come back together, as a client sees them in one read.
            await s.WriteAsync("MAIL FROM:<capture@client.lab.test>\r\nRCPT TO:<unknown@lab.test>\r\nRCPT TO:<postmaster@lab.test>\r\nRSET\r\n", cancellationToken);
            await Save("21-pipelined-mail-rcpt-rcpt-rset", await s.ReadRepliesAsync(4, cancellationToken));
            await s.WriteAsync("QUIT\r\n", cancellationToken);
            await Save("22-quit", await s.ReadRepliesAsync(1, cancellationToken));
        }

        // Session 2: 354, then a reset before a single byte of data (Postfix logs "lost connection after DATA").
        using (var s = await CaptureSession.OpenAsync(server, cancellationToken))
        {
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("EHLO capture.lab.test\r\n", cancellationToken);
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("MAIL FROM:<capture@client.lab.test>\r\n", cancellationToken);
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("RCPT TO:<postmaster@lab.test>\r\n", cancellationToken);
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("DATA\r\n", cancellationToken);
            await Save("23-data-354", await s.ReadRepliesAsync(1, cancellationToken));
            s.Reset();
        }

        // Session 3: STARTTLS accepted (the handshake is not made).
        using (var s = await CaptureSession.OpenAsync(server, cancellationToken))
        {
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("EHLO capture.lab.test\r\n", cancellationToken);
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("STARTTLS\r\n", cancellationToken);
            await Save("24-starttls", await s.ReadRepliesAsync(1, cancellationToken));
        }

        // Session 4: HELO, then errors until Postfix gives up on the client.
        using (var s = await CaptureSession.OpenAsync(server, cancellationToken))
        {
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("HELO capture.lab.test\r\n", cancellationToken);
            await Save("25-helo", await s.ReadRepliesAsync(1, cancellationToken));
            for (var i = 0; i < 40; i++)
            {
                await s.WriteAsync("XYZZY\r\n", cancellationToken);
                var reply = await s.ReadRepliesAsync(1, cancellationToken);
                if (reply.Length == 0 || reply[0] == (byte)'4')
                {
                    if (reply.Length > 0)
                    {
                        await Save("26-too-many-errors", reply);
                    }

                    break;
                }
            }
        }

        // Session 5: a declared size over the limit (alone: Postfix keeps the refused size for the next MAIL).
        using (var s = await CaptureSession.OpenAsync(server, cancellationToken))
        {
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("EHLO capture.lab.test\r\n", cancellationToken);
            await s.ReadRepliesAsync(1, cancellationToken);
            await s.WriteAsync("MAIL FROM:<capture@client.lab.test> SIZE=999999999\r\n", cancellationToken);
            await Save("09-mail-size-too-big", await s.ReadRepliesAsync(1, cancellationToken));
        }

        return saved > 0 ? 0 : 1;
    }
}
