using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Smtp;

/// <summary>A well-behaved server for the fake: configurable extensions, delays and replies.</summary>
internal sealed class StandardSmtpBehaviour
{
    public string Banner { get; init; } = "220 fake.test ESMTP ready";

    public TimeSpan BannerDelay { get; init; }

    public string[] Extensions { get; init; } = { "PIPELINING", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES" };

    public bool RejectEhlo { get; init; }

    /// <summary>Delay before answering a command, by verb (MAIL, RCPT, DATA…).</summary>
    public Dictionary<string, TimeSpan> Delays { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reply for a verb instead of the default.</summary>
    public Dictionary<string, string> Replies { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public X509Certificate2? Certificate { get; init; }

    public async Task RunAsync(FakeSmtpSession s, CancellationToken ct)
    {
        if (BannerDelay > TimeSpan.Zero)
        {
            await Task.Delay(BannerDelay, ct);
        }

        await s.WriteAsync(Banner + "\r\n", ct);
        while (true)
        {
            var line = await s.ReadLineAsync(ct);
            if (line is null)
            {
                return;
            }

            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            if (line.StartsWith("MAIL FROM", StringComparison.OrdinalIgnoreCase))
            {
                verb = "MAIL";
            }
            else if (line.StartsWith("RCPT TO", StringComparison.OrdinalIgnoreCase))
            {
                verb = "RCPT";
            }

            if (Delays.TryGetValue(verb, out var delay))
            {
                await Task.Delay(delay, ct);
            }

            if (Replies.TryGetValue(verb, out var custom))
            {
                await s.WriteAsync(custom + "\r\n", ct);
                if (verb == "QUIT" || custom.StartsWith("421", StringComparison.Ordinal))
                {
                    return;
                }

                continue;
            }

            switch (verb)
            {
                case "EHLO":
                    if (RejectEhlo)
                    {
                        await s.WriteAsync("502 5.5.2 Error: command not recognized\r\n", ct);
                        break;
                    }

                    var ext = new List<string>(Extensions);
                    if (Certificate is not null && !ext.Contains("STARTTLS"))
                    {
                        ext.Add("STARTTLS");
                    }

                    var text = "250-fake.test\r\n";
                    for (var i = 0; i < ext.Count; i++)
                    {
                        text += (i == ext.Count - 1 ? "250 " : "250-") + ext[i] + "\r\n";
                    }

                    if (ext.Count == 0)
                    {
                        text = "250 fake.test\r\n";
                    }

                    await s.WriteAsync(text, ct);
                    break;
                case "HELO":
                    await s.WriteAsync("250 fake.test\r\n", ct);
                    break;
                case "STARTTLS":
                    await s.WriteAsync("220 2.0.0 Ready to start TLS\r\n", ct);
                    await s.UpgradeToTlsAsync(Certificate!, ct);
                    break;
                case "AUTH":
                    await s.WriteAsync("235 2.7.0 Authentication successful\r\n", ct);
                    break;
                case "MAIL":
                case "RCPT":
                case "RSET":
                case "NOOP":
                    await s.WriteAsync("250 2.1.0 Ok\r\n", ct);
                    break;
                case "DATA":
                    await s.WriteAsync("354 End data with <CR><LF>.<CR><LF>\r\n", ct);
                    await s.ReadDataAsync(ct);
                    if (!s.Delivered)
                    {
                        return;
                    }

                    if (Delays.TryGetValue("EOD", out var eod))
                    {
                        await Task.Delay(eod, ct);
                    }

                    await s.WriteAsync("250 2.0.0 Ok: queued as FAKE1\r\n", ct);
                    break;
                case "QUIT":
                    await s.WriteAsync("221 2.0.0 Bye\r\n", ct);
                    return;
                default:
                    await s.WriteAsync("502 5.5.2 Error: command not recognized\r\n", ct);
                    break;
            }
        }
    }
}
