using System;
using System.Buffers;
using System.Collections.Generic;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// The reason phrases MTAs write for path failures, most specific first, each with where it comes from.
/// docs/log-phrases.md explains every row; tests/Fixtures/logs holds a real-format line for each.
/// </summary>
public static class LogPhraseTable
{
    private const string PostfixProto = "Postfix src/smtp/smtp_proto.c, smtp_stream_except(): \"lost connection with %s while %s\" / \"conversation with %s timed out while %s\"";
    private const string PostfixConnect = "Postfix src/smtp/smtp_connect.c, smtp_connect_addr(): \"connect to %s[%s]:%d: %m\"";
    private const string Errno = "the system's strerror(3) text, quoted by every MTA after a failed connect";
    private const string EximResponse = "Exim src/transports/smtp.c, check_response(): \"SMTP timeout after %s\" / \"Remote host closed connection in response to %s\"";
    private const string SendmailErr = "sendmail/err.c, errstring()";
    private const string Exo = "Microsoft Learn, Exchange Online NDR reference (4.4.316, 4.4.317) and Windows Sockets error codes";

    /// <summary>Reasons up to this length are folded on the stack; longer ones in a pooled buffer.</summary>
    private const int StackLimit = 512;

    /// <summary>Every phrase, most specific first; <see cref="Match"/> returns the first that fits.</summary>
    public static IReadOnlyList<LogPhrase> Phrases { get; } = new[]
    {
        // Postfix: the state text of smtp_proto.c's xfer_states[] and smtp_helo().
        new LogPhrase(MtaKind.Postfix, PathSignature.EndOfDataLost, "4.4.2", PostfixProto + "; state \"sending end of data -- message may be sent more than once\"", "while sending end of data"),
        new LogPhrase(MtaKind.Postfix, PathSignature.BodyTimeout, "4.4.2", PostfixProto + "; state \"sending message body\"", "timed out while sending message body"),
        new LogPhrase(MtaKind.Postfix, PathSignature.BodyConnectionLost, "4.4.2", PostfixProto + "; state \"sending message body\"", "lost connection with", "while sending message body"),
        new LogPhrase(MtaKind.Postfix, PathSignature.GreetingTimeout, "4.4.2", PostfixProto + "; smtp_helo() state \"receiving the initial server greeting\"", "while receiving the initial server greeting"),
        new LogPhrase(MtaKind.Postfix, PathSignature.DnsTempFail, "4.4.3", "Postfix src/dns/dns_strerror.c (TRY_AGAIN: \"Host not found, try again\") via src/smtp/smtp_addr.c \"Name service error for name=%s type=%s: %s\"", "Host not found, try again"),
        new LogPhrase(MtaKind.Postfix, PathSignature.TlsNotOffered, "4.7.4", "Postfix src/smtp/smtp_proto.c, smtp_helo(): \"TLS is required, but was not offered by host %s\"", "TLS is required, but was not offered"),
        new LogPhrase(MtaKind.Postfix, PathSignature.TlsFailed, "4.7.5", "Postfix src/smtp/smtp_proto.c, smtp_start_tls(): \"Cannot start TLS: handshake failure\"", "Cannot start TLS"),
        new LogPhrase(MtaKind.Postfix, PathSignature.SessionLost, "4.4.2", PostfixProto + "; any other state (EHLO, MAIL FROM, RCPT TO, DATA)", "lost connection with"),
        new LogPhrase(MtaKind.Postfix, PathSignature.SessionLost, "4.4.2", PostfixProto + "; any other state", "conversation with", "timed out while"),

        // Exim: check_response() builds the text from the last command it sent.
        new LogPhrase(MtaKind.Exim, PathSignature.EndOfDataLost, "4.4.2", EximResponse, "Remote host closed connection in response to end of data"),
        new LogPhrase(MtaKind.Exim, PathSignature.BodyTimeout, "4.4.2", EximResponse + "; \"end of data\" with \"(%d bytes written)\"", "SMTP timeout after end of data"),
        new LogPhrase(MtaKind.Exim, PathSignature.BodyTimeout, "4.4.2", EximResponse + "; a write of the body that never completed", "SMTP timeout after sending data block"),
        new LogPhrase(MtaKind.Exim, PathSignature.GreetingTimeout, "4.4.2", EximResponse + "; \"initial connection\" is the wait for the greeting, which with TCP Fast Open (hosts_try_fastopen, default *) also covers a connect that never completed", "SMTP timeout after initial connection"),
        new LogPhrase(MtaKind.Exim, PathSignature.GreetingTimeout, "4.4.2", EximResponse, "Remote host closed connection in response to initial connection"),
        new LogPhrase(MtaKind.Exim, PathSignature.DnsTempFail, "4.4.3", "Exim src/routers/dnslookup.c: \"host lookup did not complete\" (DNS_AGAIN)", "host lookup did not complete"),
        new LogPhrase(MtaKind.Exim, PathSignature.TlsNotOffered, "4.7.4", "Exim src/transports/smtp.c: \"a TLS session is required, but the server did not offer TLS support\" (hosts_require_tls)", "a TLS session is required"),
        new LogPhrase(MtaKind.Exim, PathSignature.TlsFailed, "4.7.5", "Exim src/tls-openssl.c / tls-gnu.c: \"TLS session: (SSL_connect): …\"", "TLS session: ("),
        new LogPhrase(MtaKind.Exim, PathSignature.SessionLost, "4.4.2", EximResponse + "; any other command", "Remote host closed connection in response to"),
        new LogPhrase(MtaKind.Exim, PathSignature.SessionLost, "4.4.2", EximResponse + "; any other command", "SMTP timeout after"),

        // Sendmail.
        new LogPhrase(MtaKind.Sendmail, PathSignature.BodyTimeout, "4.4.2", "sendmail/deliver.c: \"timeout writing message to %s\"", "timeout writing message to"),
        new LogPhrase(MtaKind.Sendmail, PathSignature.BodyTimeout, "4.4.2", "sendmail/usersmtp.c, reply(): \"timeout waiting for input from %s during %s\" with SmtpPhase \"client DATA status\"", "timeout waiting for input from", "during client DATA status"),
        new LogPhrase(MtaKind.Sendmail, PathSignature.GreetingTimeout, "4.4.2", "sendmail/usersmtp.c, reply(): \"timeout waiting for input from %s during %s\" with SmtpPhase \"client greeting\"", "timeout waiting for input from", "during client greeting"),
        new LogPhrase(MtaKind.Sendmail, PathSignature.DnsTempFail, "4.4.3", SendmailErr + ": \"Name server: %s: host name lookup failure\"", "host name lookup failure"),
        new LogPhrase(MtaKind.Sendmail, PathSignature.ConnectTimeout, "4.4.1", SendmailErr + ": \"Connection timed out with %s\"", "Connection timed out with"),
        new LogPhrase(MtaKind.Sendmail, PathSignature.ConnectRefused, "4.4.1", SendmailErr + ": \"Connection refused by %s\"", "Connection refused by"),
        new LogPhrase(MtaKind.Sendmail, PathSignature.SessionLost, "4.4.2", "sendmail/usersmtp.c, reply(): \"reply: read error from %s\"", "reply: read error from"),

        // Exchange Server and Exchange Online.
        new LogPhrase(MtaKind.ExchangeOnline, PathSignature.TlsFailed, "4.4.317", Exo + ": 4.4.317, the TLS negotiation with the next hop failed", "4.4.317"),
        new LogPhrase(MtaKind.Exchange, PathSignature.ConnectRefused, "4.4.316", Exo + ": 10061 is WSAECONNREFUSED", "error code 10061"),
        new LogPhrase(MtaKind.Exchange, PathSignature.ConnectTimeout, "4.4.1", Exo + ": 10060 is WSAETIMEDOUT", "error code: 10060"),
        new LogPhrase(MtaKind.Exchange, PathSignature.ConnectTimeout, "4.4.1", Exo + ": 10060 is WSAETIMEDOUT", "error code 10060"),
        new LogPhrase(MtaKind.Exchange, PathSignature.SessionLost, "4.4.2", "Exchange transport SmtpResponse \"421 4.4.2 Connection dropped due to SocketError\"", "Connection dropped due to SocketError"),
        new LogPhrase(MtaKind.Exchange, PathSignature.DnsTempFail, "4.4.3", "Exchange transport: \"DNS query failed. The error was: … ErrorRetry\"", "DNS query failed", "ErrorRetry"),

        // System error texts (strerror) every MTA quotes after a failed connect.
        new LogPhrase(MtaKind.Unknown, PathSignature.ConnectTimeout, "4.4.1", PostfixConnect + "; " + Errno + " (ETIMEDOUT)", "Connection timed out"),
        new LogPhrase(MtaKind.Unknown, PathSignature.ConnectRefused, "4.4.1", PostfixConnect + "; " + Errno + " (ECONNREFUSED)", "Connection refused"),
        new LogPhrase(MtaKind.Unknown, PathSignature.Unreachable, "4.4.1", PostfixConnect + "; " + Errno + " (EHOSTUNREACH)", "No route to host"),
        new LogPhrase(MtaKind.Unknown, PathSignature.Unreachable, "4.4.1", PostfixConnect + "; " + Errno + " (ENETUNREACH)", "Network is unreachable"),
        new LogPhrase(MtaKind.Unknown, PathSignature.SessionLost, "4.4.2", Errno + " (ECONNRESET)", "Connection reset by peer"),
    };

    /// <summary>The first phrase found in <paramref name="reason"/>; a remote reply quoted inside it is not searched.</summary>
    public static LogPhrase? Match(string? reason, string? remoteReply = null)
    {
        if (string.IsNullOrEmpty(reason))
        {
            return null;
        }

        // The server's own words must not be taken for the MTA's: "421 … Connection timed out" from a remote
        // server is that server's reply, not a failed connect.
        var quoted = string.IsNullOrEmpty(remoteReply) ? -1 : reason!.IndexOf(remoteReply!, StringComparison.Ordinal);
        if (First(reason!, quoted, quoted < 0 ? 0 : remoteReply!.Length, repliesOnly: false) is { } own)
        {
            return own;
        }

        // Exchange quotes replies it made up itself ("421 4.4.2 Connection dropped due to SocketError"), and Sendmail
        // puts a code before its own words ("451 4.4.2 timeout writing message to …"): their phrases count there.
        return remoteReply is null ? null : First(remoteReply, -1, 0, repliesOnly: true);
    }

    /// <summary>
    /// The first phrase in <paramref name="text"/> without its <paramref name="cutLength"/> characters at
    /// <paramref name="cut"/> (none when it is negative); with <paramref name="repliesOnly"/>, only the phrases that
    /// Exchange and Sendmail write as replies.
    /// </summary>
    private static LogPhrase? First(string text, int cut, int cutLength, bool repliesOnly)
    {
        // Texts are ASCII nearly always: fold their case once and search ordinally, instead of a case-insensitive
        // search per phrase part (the same answer for ASCII text; other text is searched as it is).
        var length = text.Length - (cut < 0 ? 0 : cutLength);
        char[]? rented = null;
        var folded = length <= StackLimit ? stackalloc char[length] : (rented = ArrayPool<char>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            var ascii = cut < 0
                ? AsciiFolded.TryFold(text.AsSpan(), folded)
                : AsciiFolded.TryFold(text.AsSpan(0, cut), folded) && AsciiFolded.TryFold(text.AsSpan(cut + cutLength), folded.Slice(cut));
            var plain = ascii ? null : cut < 0 ? text : text.Substring(0, cut) + text.Substring(cut + cutLength);
            foreach (var phrase in Phrases)
            {
                if ((!repliesOnly || phrase.Mta is MtaKind.Exchange or MtaKind.Sendmail) && (plain is null ? phrase.MatchesFolded(folded) : phrase.Matches(plain)))
                {
                    return phrase;
                }
            }

            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
