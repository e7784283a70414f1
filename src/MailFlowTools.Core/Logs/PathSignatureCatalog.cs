using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// For each path signature: its stable finding code, the one sentence that explains it, the seed incidents it
/// matches, and the commands that prove it, with parameters that fit (message data for a body that stops, a
/// size sweep for a black hole, the MX walk for a greeting that never came).
/// </summary>
public static class PathSignatureCatalog
{
    public const string Stages = "Get-SmtpStageTiming";
    public const string Mtu = "Find-MtuBlackHole";
    public const string MxPath = "Test-MxPath";
    public const string Edns = "Test-EdnsReachability";

    /// <summary>The finding code of a signature; null for None, RemoteRejected and RemoteDeferred (the status findings cover them).</summary>
    public static string? Code(PathSignature signature) => signature switch
    {
        PathSignature.EndOfDataLost => FindingCodes.LogEndOfDataLost,
        PathSignature.BodyTimeout => FindingCodes.LogBodyTimeout,
        PathSignature.BodyConnectionLost => FindingCodes.LogBodyConnectionLost,
        PathSignature.GreetingTimeout => FindingCodes.LogGreetingTimeout,
        PathSignature.DnsTempFail => FindingCodes.LogDnsTempFail,
        PathSignature.TlsNotOffered => FindingCodes.LogTlsNotOffered,
        PathSignature.TlsFailed => FindingCodes.LogTlsFailed,
        PathSignature.ConnectTimeout => FindingCodes.LogConnectTimeout,
        PathSignature.ConnectRefused => FindingCodes.LogConnectRefused,
        PathSignature.Unreachable => FindingCodes.LogUnreachable,
        PathSignature.SessionLost => FindingCodes.LogSessionLost,
        _ => null,
    };

    /// <summary>The one wording of each code: what the phrase means on the path.</summary>
    public static string Meaning(PathSignature signature) => signature switch
    {
        PathSignature.EndOfDataLost => "The whole message went out but the reply to the final dot never came: something on the path lost the end-of-data mark (an SMTP fixup firewall, incident 3), and the message may be delivered twice.",
        PathSignature.BodyTimeout => "The message body stopped moving mid-transfer: the path stops forwarding after some amount of data (a stall, incident 4) or drops full-size packets (a PMTU black hole, incident 3).",
        PathSignature.BodyConnectionLost => "The connection broke while the body was being sent: a middlebox reset it, or a stall or PMTU black hole outlasted the receiver's patience.",
        PathSignature.GreetingTimeout => "No 220 greeting came: a host that accepts connections and never speaks (incident 5), or, for a sender that connects with TCP Fast Open (Exim's default), a host that never answered at all; a compliant sender must move on to the next MX.",
        PathSignature.DnsTempFail => "The MX lookup failed temporarily: the resolver got no usable answer, as when large DNSSEC answers are lost to dropped fragments without a TCP fallback (incident 1).",
        PathSignature.TlsNotOffered => "The sender requires TLS and the receiver did not offer STARTTLS: a receiver without TLS, or a middlebox that strips STARTTLS from the EHLO reply.",
        PathSignature.TlsFailed => "STARTTLS was offered but the TLS handshake with the next hop failed.",
        PathSignature.ConnectTimeout => "The TCP connection to the mail port was never answered: the host is down, or a firewall drops the traffic.",
        PathSignature.ConnectRefused => "The TCP connection to the mail port was refused: nothing listens there, or a firewall rejects it.",
        PathSignature.Unreachable => "There is no route to the host or its network.",
        PathSignature.SessionLost => "The connection broke, or a reply timed out, in the middle of the SMTP dialogue.",
        PathSignature.RemoteRejected => "The receiving server refused the message permanently: a policy or address problem, not the path.",
        PathSignature.RemoteDeferred => "The receiving server refused the message for now (greylisting, throttling): the path works.",
        _ => "No known path failure phrase: only the status code is read.",
    };

    public static IReadOnlyList<int> Incidents(PathSignature signature) => signature switch
    {
        PathSignature.EndOfDataLost => new[] { 3 },
        PathSignature.BodyTimeout or PathSignature.BodyConnectionLost => new[] { 4, 3 },
        PathSignature.GreetingTimeout => new[] { 5 },
        PathSignature.DnsTempFail => new[] { 1 },
        _ => Array.Empty<int>(),
    };

    public static bool PointsAtPath(PathSignature signature) =>
        signature is not (PathSignature.None or PathSignature.RemoteRejected or PathSignature.RemoteDeferred);

    /// <summary>
    /// The commands for a signature, most telling first. <paramref name="target"/> is the address from the line
    /// (else its host name); without one, the host-level commands are left out and the MX walk names the hosts.
    /// </summary>
    public static IReadOnlyList<SuggestedCommand> Commands(PathSignature signature, string? target, string? domain)
    {
        var list = new List<SuggestedCommand>();
        void Host(string cmdlet, string purpose, params (string, string)[] parameters)
        {
            if (target is not null)
            {
                list.Add(SuggestedCommand.Create(cmdlet, target, false, purpose, parameters));
            }
        }

        void Domain(string cmdlet, string purpose, params (string, string)[] parameters)
        {
            if (domain is not null)
            {
                list.Add(SuggestedCommand.Create(cmdlet, domain, true, purpose, parameters));
            }
        }

        switch (signature)
        {
            case PathSignature.EndOfDataLost:
                Host(Stages, "A fixup box masks the greeting (BannerMasked); with -To and -Deliver, -SplitEndOfData shows it losing the end of data (EndOfDataSplitFails).", ("MessageSize", "100000"));
                Host(Mtu, "Rules out a PMTU black hole or size-specific loss on the same path.", ("Method", "Sweep"));
                Domain(MxPath, "Shows whether every MX of the domain sits behind the same box.");
                break;
            case PathSignature.BodyTimeout:
            case PathSignature.BodyConnectionLost:
                Host(Stages, "Sends 100 kB of message data without completing the message: TransferStalled names the byte count where the path stops.", ("MessageSize", "100000"));
                Host(Mtu, "Tells a PMTU black hole (PmtudBlackHole) and size-specific loss (SizeSpecificLoss) from a plain stall.", ("Method", "Sweep"));
                Domain(MxPath, "Shows whether the other MX hosts share the path.");
                break;
            case PathSignature.GreetingTimeout:
                Domain(MxPath, "Walks the MX hosts as a compliant sender: NoBannerAfterConnect for the silent host, PrimaryDownSecondaryUp when a later MX works.");
                Host(Stages, "Times the greeting on the host named in the log (NoBannerAfterConnect).", ("StopAfter", "Ehlo"));
                break;
            case PathSignature.DnsTempFail:
                Domain(Edns, "Finds resolvers that lose large answers (LargeUdpResponsesLost) or block TCP (TcpFallbackBlocked).");
                Domain(MxPath, "Shows how the MX lookup fails from here (DnsLookupFailed).");
                break;
            case PathSignature.TlsNotOffered:
            case PathSignature.TlsFailed:
                Host(Stages, "Shows whether STARTTLS is offered and whether the handshake completes (StartTlsFailed).", ("StopAfter", "StartTls"));
                Domain(MxPath, "Checks STARTTLS on every MX host.");
                break;
            case PathSignature.ConnectTimeout:
            case PathSignature.ConnectRefused:
            case PathSignature.Unreachable:
                Domain(MxPath, "Walks every MX host and address: which ones answer, and whether port 25 is blocked locally (LocalPort25Blocked).");
                Host(Stages, "Tests the connect and greeting to the host named in the log.", ("StopAfter", "Ehlo"));
                break;
            case PathSignature.SessionLost:
                Host(Stages, "Shows the stage at which the session breaks, with TCP evidence.", ("MessageSize", "100000"));
                Host(Mtu, "Rules out a PMTU black hole or size-specific loss when the session dies once data flows.", ("Method", "Sweep"));
                Domain(MxPath, "Shows whether the other MX hosts work.");
                break;
            default:
                Domain(MxPath, "Tests the domain's MX hosts as a compliant sender would.");
                break;
        }

        return list;
    }
}
