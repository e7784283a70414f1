using System;
using System.Text;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// An SMTP envelope of an exact byte length, to be written in one piece after EHLO (only to a server that
/// advertises PIPELINING): MAIL FROM, RCPT TO:&lt;postmaster&gt;, RSET, then (MAIL FROM, RSET) pairs. The padding
/// goes into the senders, local part first (up to 64 octets) and then labels before the sender domain (the
/// path stays within RFC 5321's 256 octets), so as few commands as possible carry it: servers count
/// RSET against "non-mail" limits (Exim: 10 per session), and up to <see cref="MaxSizeWithinNonMailLimit"/>
/// bytes the envelope holds at most <see cref="MaxResetsWithinLimit"/> RSETs. Only commands RFC 2920 allows
/// anywhere in a pipelined group are used, and DATA is never sent, so nothing is ever delivered.
/// </summary>
internal static class EnvelopePayload
{
    public const string SenderDomain = "mailflowtools.invalid";
    public const int MaxLocalPart = 64;

    /// <summary>RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets.</summary>
    private const int MaxPath = 256;

    /// <summary>Padding one sender carries: the local part plus the labels before <see cref="SenderDomain"/>.</summary>
    private const int MaxPadding = MaxPath - 2 - 1 - 1 - SenderDomainLength;

    private const int SenderDomainLength = 21;

    private const string Rcpt = "RCPT TO:<postmaster>\r\n";
    private const string Rset = "RSET\r\n";

    /// <summary>Smallest envelope: MAIL FROM with a one-character local part, one RCPT, RSET.</summary>
    public static int MinPayloadSize => MailLength(1) + Rcpt.Length + Rset.Length;

    /// <summary>Largest envelope; keeps the RSET count below common junk-command limits (Postfix: 100).</summary>
    public const int MaxPayloadSize = 8192;

    /// <summary>RSETs an envelope may hold and stay under Exim's default smtp_accept_max_nonmail (10).</summary>
    public const int MaxResetsWithinLimit = 8;

    /// <summary>The largest envelope with at most <see cref="MaxResetsWithinLimit"/> RSETs.</summary>
    public static int MaxSizeWithinNonMailLimit => MaxResetsWithinLimit * (MailLength(0) + MaxPadding + Rset.Length) + Rcpt.Length;

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
            if (budget <= MaxPadding * (pairs + 1))
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
            sb.Append("MAIL FROM:<").Append(Sender(baseLength + (i < extra ? 1 : 0))).Append(">\r\n");
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

    /// <summary>A sender address with <paramref name="padding"/> characters beyond "@mailflowtools.invalid".</summary>
    internal static string Sender(int padding)
    {
        var local = Math.Min(padding, MaxLocalPart);
        var rest = padding - local;
        if (rest == 1)
        {
            // One character cannot make a label and its dot: move one from the local part.
            local--;
            rest = 2;
        }

        var sb = new StringBuilder(padding + SenderDomainLength + 1);
        sb.Append('p', local).Append('@');
        if (rest > 0)
        {
            // rest - 1 characters of labels (at most 63 each), then the dot before the sender domain.
            var labels = new char[rest - 1];
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = i % 64 == 63 ? '.' : 'd';
            }

            if (labels[labels.Length - 1] == '.')
            {
                labels[labels.Length - 1] = 'd';
                labels[labels.Length - 2] = '.';
            }

            sb.Append(labels).Append('.');
        }

        return sb.Append(SenderDomain).ToString();
    }

    private static int MailLength(int padding) => "MAIL FROM:<".Length + padding + 1 + SenderDomainLength + ">\r\n".Length;
}
