using System;
using System.Text;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// An SMTP envelope of an exact byte length, to be written in one piece after EHLO:
/// MAIL FROM, RCPT TO:&lt;postmaster&gt;, RSET, then (MAIL FROM, RSET) pairs as padding, the padding spread over
/// the sender local parts (1 to 64 characters each). Only commands RFC 2920 allows anywhere in a pipelined
/// group are used, and DATA is never sent, so nothing is ever delivered.
/// </summary>
internal static class EnvelopePayload
{
    public const string SenderDomain = "mailflowtools.invalid";
    public const int MaxLocalPart = 64;

    private const string Rcpt = "RCPT TO:<postmaster>\r\n";
    private const string Rset = "RSET\r\n";

    /// <summary>Smallest envelope: MAIL FROM with a one-character local part, one RCPT, RSET.</summary>
    public static int MinPayloadSize => MailLength(1) + Rcpt.Length + Rset.Length;

    /// <summary>Largest envelope; keeps the RSET count below common junk-command limits (Postfix: 100).</summary>
    public const int MaxPayloadSize = 8192;

    /// <summary>The bytes (exactly <paramref name="size"/>) and how many replies they are owed.</summary>
    public static (byte[] Bytes, int Commands) Build(int size)
    {
        if (size < MinPayloadSize || size > MaxPayloadSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"Envelope payloads are {MinPayloadSize} to {MaxPayloadSize} bytes.");
        }

        var fixedPart = MailLength(0) + Rcpt.Length + Rset.Length;
        var pair = MailLength(0) + Rset.Length;
        var pairs = 0;
        int budget;
        while (true)
        {
            budget = size - fixedPart - pairs * pair;
            if (budget <= MaxLocalPart * (pairs + 1))
            {
                break;
            }

            pairs++;
        }

        var lines = pairs + 1;
        var baseLength = budget / lines;
        var extra = budget % lines;
        var sb = new StringBuilder(size);
        for (var i = 0; i < lines; i++)
        {
            var local = baseLength + (i < extra ? 1 : 0);
            sb.Append("MAIL FROM:<").Append('p', local).Append('@').Append(SenderDomain).Append(">\r\n");
            if (i == 0)
            {
                sb.Append(Rcpt);
            }

            sb.Append(Rset);
        }

        var bytes = Encoding.ASCII.GetBytes(sb.ToString());
        if (bytes.Length != size)
        {
            throw new InvalidOperationException($"Envelope of {bytes.Length} bytes built for {size}.");
        }

        return (bytes, 3 + 2 * pairs);
    }

    private static int MailLength(int localPart) => "MAIL FROM:<".Length + localPart + 1 + SenderDomain.Length + ">\r\n".Length;
}
