using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// A server that offers SCRAM-SHA-256, XOAUTH2 and NTLM and checks what the client proves: SCRAM per RFC 5802 /
/// RFC 7677 (the proof verified from the password, its own signature sent back), XOAUTH2's initial response read
/// as user and bearer token. NTLM is only recorded (its first message) and refused.
/// </summary>
internal sealed class SaslSmtpBehaviour
{
    private static readonly byte[] Salt = Encoding.ASCII.GetBytes("mailflow-salt-16");

    public SaslSmtpBehaviour(string userName, string password, string offered)
    {
        UserName = userName;
        Password = password;
        Offered = offered;
    }

    public string UserName { get; }

    public string Password { get; }

    public string Offered { get; }

    /// <summary>True once a client's SCRAM proof or XOAUTH2 token matched the password.</summary>
    public bool Verified { get; private set; }

    /// <summary>What each AUTH exchange looked like, decoded: "SCRAM-SHA-256 n,,n=probe,r=…", "NTLM NTLMSSP type 1".</summary>
    public ConcurrentQueue<string> Seen { get; } = new();

    public async Task RunAsync(FakeSmtpSession s, CancellationToken ct)
    {
        await Write(s, "220 sasl.test ESMTP", ct);
        while (await s.ReadLineAsync(ct) is { } line)
        {
            var parts = line.Split(' ');
            switch (parts[0].ToUpperInvariant())
            {
                case "EHLO":
                    await Write(s, "250-sasl.test\r\n250-AUTH " + Offered + "\r\n250 8BITMIME", ct);
                    break;
                case "AUTH" when parts.Length >= 2:
                    var initial = parts.Length > 2 ? Decode(parts[2]) : string.Empty;
                    Seen.Enqueue(parts[1] + " " + initial);
                    var ok = parts[1].ToUpperInvariant() switch
                    {
                        "SCRAM-SHA-256" => await ScramAsync(s, initial, ct),
                        "XOAUTH2" => initial == "user=" + UserName + "\u0001auth=Bearer " + Password + "\u0001\u0001",
                        _ => false,
                    };
                    Verified |= ok;
                    await Write(s, ok ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid", ct);
                    break;
                case "QUIT":
                    await Write(s, "221 2.0.0 Bye", ct);
                    return;
                default:
                    await Write(s, "250 2.0.0 Ok", ct);
                    break;
            }
        }
    }

    private async Task<bool> ScramAsync(FakeSmtpSession s, string clientFirst, CancellationToken ct)
    {
        // client-first: "n,,n=user,r=cnonce"
        var bare = clientFirst.Substring(clientFirst.IndexOf("n=", StringComparison.Ordinal));
        var clientNonce = Attribute(bare, 'r');
        if (Attribute(bare, 'n') != UserName)
        {
            return false;
        }

        var serverFirst = $"r={clientNonce}srvNonce42,s={Convert.ToBase64String(Salt)},i=4096";
        await Write(s, "334 " + Encode(serverFirst), ct);
        var clientFinal = Decode(await s.ReadLineAsync(ct) ?? string.Empty);
        Seen.Enqueue("SCRAM-SHA-256 final " + clientFinal);
        var withoutProof = clientFinal.Substring(0, clientFinal.IndexOf(",p=", StringComparison.Ordinal));
        var proof = Convert.FromBase64String(Attribute(clientFinal, 'p'));

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), Salt, 4096, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, Encoding.ASCII.GetBytes("Client Key"));
        var storedKey = SHA256.HashData(clientKey);
        var authMessage = Encoding.UTF8.GetBytes(bare + "," + serverFirst + "," + withoutProof);
        var signature = HMACSHA256.HashData(storedKey, authMessage);
        var expected = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        if (!CryptographicOperations.FixedTimeEquals(expected, proof))
        {
            return false;
        }

        var serverKey = HMACSHA256.HashData(salted, Encoding.ASCII.GetBytes("Server Key"));
        await Write(s, "334 " + Encode("v=" + Convert.ToBase64String(HMACSHA256.HashData(serverKey, authMessage))), ct);
        return await s.ReadLineAsync(ct) is not null;
    }

    private static string Attribute(string message, char name) =>
        message.Split(',').First(p => p.Length > 1 && p[0] == name && p[1] == '=').Substring(2);

    private static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Decode(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        return bytes.Length >= 12 && Encoding.ASCII.GetString(bytes, 0, 7) == "NTLMSSP"
            ? "NTLMSSP type " + bytes[8]
            : Encoding.UTF8.GetString(bytes);
    }

    private static Task Write(FakeSmtpSession s, string reply, CancellationToken ct) =>
        s.WriteBytesAsync(Encoding.UTF8.GetBytes(reply + "\r\n"), ct);
}
