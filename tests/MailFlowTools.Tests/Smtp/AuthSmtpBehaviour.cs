using System;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// A server with AUTH PLAIN/LOGIN that knows the test credential and, when <see cref="Echo"/> is set, plays the
/// hostile peer: it writes the password in clear, its base64 and the AUTH PLAIN token back in the banner, in a
/// multiline EHLO (before and after STARTTLS), in every AUTH reply and in the MAIL reply.
/// </summary>
internal sealed class AuthSmtpBehaviour
{
    public AuthSmtpBehaviour(string userName, string password)
    {
        UserName = userName;
        Password = password;
    }

    public string UserName { get; }

    public string Password { get; }

    /// <summary>STARTTLS is offered when set.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>AUTH mechanisms in the EHLO reply before STARTTLS ("" offers no AUTH).</summary>
    public string AuthBeforeTls { get; init; } = string.Empty;

    /// <summary>AUTH mechanisms in the EHLO reply inside TLS ("" offers no AUTH).</summary>
    public string AuthAfterTls { get; init; } = "PLAIN LOGIN";

    public bool Echo { get; init; }

    public AuthReaction Reaction { get; init; }

    /// <summary>For AUTH LOGIN: react at the user-name step (1) or at the password step (2).</summary>
    public int LoginStep { get; init; } = 2;

    private string EchoText => Echo
        ? $" echo {Password} b64 {Base64(Password)} plain {Base64("\0" + UserName + "\0" + Password)} upper {Password.ToUpperInvariant()}"
        : string.Empty;

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public async Task RunAsync(FakeSmtpSession s, CancellationToken ct)
    {
        await WriteAsync(s, "220 hostile.test ESMTP" + EchoText, ct);
        var tls = false;
        while (true)
        {
            var line = await s.ReadLineAsync(ct);
            if (line is null)
            {
                return;
            }

            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    var sb = new StringBuilder("250-hostile.test\r\n");
                    if (Echo)
                    {
                        // A multiline reply that carries the secret on lines of its own and inside a long one.
                        sb.Append("250-X-ECHO ").Append(Password).Append("\r\n");
                        sb.Append("250-X-ECHO ").Append(Base64(Password)).Append("\r\n");
                        sb.Append("250-X-ECHO ").Append(Base64("\0" + UserName + "\0" + Password)).Append("\r\n");
                        sb.Append("250-X-LONG ").Append(new string('x', 280)).Append(Password).Append("\r\n");
                    }

                    var mechanisms = tls ? AuthAfterTls : AuthBeforeTls;
                    if (mechanisms.Length > 0)
                    {
                        sb.Append("250-AUTH ").Append(mechanisms).Append(Echo ? " " + Password : string.Empty).Append("\r\n");
                    }

                    if (Certificate is not null && !tls)
                    {
                        sb.Append("250-STARTTLS\r\n");
                    }

                    sb.Append("250 8BITMIME\r\n");
                    await s.WriteBytesAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
                    break;
                case "STARTTLS":
                    await WriteAsync(s, "220 2.0.0 Ready", ct);
                    await s.UpgradeToTlsAsync(Certificate!, ct);
                    tls = true;
                    break;
                case "AUTH":
                    if (line.StartsWith("AUTH LOGIN", StringComparison.OrdinalIgnoreCase))
                    {
                        await WriteAsync(s, "334 VXNlcm5hbWU6" + EchoText, ct);
                        if (LoginStep == 1 && !await ReactAsync(s, ct))
                        {
                            return;
                        }

                        var user = await s.ReadLineAsync(ct);
                        if (user is null)
                        {
                            return;
                        }

                        await WriteAsync(s, "334 UGFzc3dvcmQ6" + EchoText, ct);
                        if (await s.ReadLineAsync(ct) is null)
                        {
                            return;
                        }
                    }

                    if (!await ReactAsync(s, ct))
                    {
                        return;
                    }

                    break;
                case "MAIL":
                    await WriteAsync(s, "250 2.1.0 Ok" + EchoText, ct);
                    break;
                case "QUIT":
                    await WriteAsync(s, "221 2.0.0 Bye" + EchoText, ct);
                    return;
                default:
                    await WriteAsync(s, "250 2.0.0 Ok" + EchoText, ct);
                    break;
            }
        }
    }

    /// <summary>The reaction to the credential; false when the session is over.</summary>
    private async Task<bool> ReactAsync(FakeSmtpSession s, CancellationToken ct)
    {
        switch (Reaction)
        {
            case AuthReaction.Accept:
                await WriteAsync(s, "235 2.7.0 Authentication successful" + EchoText, ct);
                return true;
            case AuthReaction.Reject:
                await WriteAsync(s, "535 5.7.8 Authentication credentials invalid" + EchoText, ct);
                return true;
            case AuthReaction.Reset:
                s.Reset();
                return false;
            case AuthReaction.Silent:
                // Holds the session open without a word until the client gives up and closes it.
                await s.WaitForCloseAsync(TimeSpan.FromSeconds(30));
                return false;
            default:
                await WriteAsync(s, "XX" + Password + " is wrong" + EchoText, ct);
                return true;
        }
    }

    private static Task WriteAsync(FakeSmtpSession s, string line, CancellationToken ct) =>
        s.WriteBytesAsync(Encoding.UTF8.GetBytes(line + "\r\n"), ct);
}
