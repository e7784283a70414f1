using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Net;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// The one definition of each SMTP session finding: its wording, severity rule and evidence keys. The session's
/// analyzer and the MX walk (which passes the session's findings through, or merges one host's addresses) both
/// build them here, so a code reads the same whichever cmdlet raised it.
/// </summary>
public static class SmtpFindings
{
    /// <summary>TCP connected, but no 220 came: the wait ran out, or the peer closed or reset first.</summary>
    public static Finding NoBannerAfterConnect(string host, IReadOnlyList<string> addresses, int port, TimeSpan bannerTimeout, SmtpStageOutcome outcome, FindingSeverity severity = FindingSeverity.Error)
    {
        var how = outcome == SmtpStageOutcome.Timeout
            ? F("within {0:0.###} s", bannerTimeout.TotalSeconds)
            : F("before the connection ended ({0})", outcome);
        return new Finding(
            FindingCodes.NoBannerAfterConnect,
            severity,
            F("{0} ({1}) accepts TCP connections on port {2} but sent no 220 greeting {3}; a sender that keeps retrying it instead of moving to the next MX (RFC 5321 §5.1) delays and finally bounces the mail.", host, string.Join(", ", addresses), port, how),
            F("Repair the SMTP service behind {0} (or the load balancer or firewall in front of it), or remove it from the MX set.", host),
            Evidence(("Exchange", host), ("Addresses", string.Join(", ", addresses)), ("Port", port), ("Outcome", outcome.ToString()), ("BannerTimeoutMs", bannerTimeout.TotalMilliseconds)));
    }

    /// <summary>The greeting rewritten with asterisks (<see cref="BannerInspector"/>); <paramref name="banner"/> is the whole reply line.</summary>
    public static Finding BannerMasked(string host, string address, string banner) => Finding.Warning(
        FindingCodes.BannerMasked,
        F("The greeting from {0} [{1}] arrives masked as \"{2}\": an SMTP fixup/inspection firewall (Cisco PIX/ASA 'fixup protocol smtp' / 'inspect esmtp') rewrites the session, and such boxes also mishandle end-of-data.", host, address, banner),
        F("Turn off SMTP inspection (\"no fixup protocol smtp\" / \"no inspect esmtp\") on the firewall in front of {0}: it also breaks ESMTP extensions; Get-SmtpStageTiming -SplitEndOfData -Deliver shows whether DATA still breaks.", host),
        Evidence(("Exchange", host), ("Address", address), ("Banner", banner)));

    public static Finding SlowGreeting(double greetingMs, TimeSpan threshold) => Finding.Info(
        FindingCodes.SlowGreeting,
        F("The greeting took {0:0.0} s: the server delays it on purpose (a tarpit or greet pause), which is not a failure.", greetingMs / 1000),
        "Make sure sending servers wait the RFC 5321 five minutes for the greeting; a sender with a short timeout will fail here.",
        Evidence(("GreetingMs", Math.Round(greetingMs, 1)), ("ThresholdMs", threshold.TotalMilliseconds)));

    public static Finding StartTlsFailed(string host, string address, int port, string reason, FindingSeverity severity = FindingSeverity.Error) => new(
        FindingCodes.StartTlsFailed,
        severity,
        F("STARTTLS with {0} [{1}] failed: {2}; senders that require TLS move on or defer, opportunistic ones retry in clear text.", host, address, reason),
        F("Check the TLS configuration and certificate of {0}, and look for a firewall that inspects or strips STARTTLS on port {1}; retry with -StartTls Off to see whether plain SMTP works.", host, port),
        Evidence(("Exchange", host), ("Address", address), ("Port", port), ("Reason", reason)));

    /// <summary>
    /// The mail port failed on <paramref name="failedAddresses"/> while a control port of <paramref name="controlAddress"/>
    /// answered: the block is specific to the port, which is how ISPs and local firewalls block outbound SMTP.
    /// </summary>
    public static Finding LocalPort25Blocked(int port, IReadOnlyList<string> failedAddresses, string outcome, string controlAddress, int controlPort, string controlOutcome, FindingSeverity severity) => new(
        FindingCodes.LocalPort25Blocked,
        severity,
        F("Port {0} failed ({1}) on {2} while port {3} of {4} answered ({5}): outbound port {0} is probably blocked on the way out (this network's firewall, ISP or cloud provider), not at the server.", port, outcome, string.Join(", ", failedAddresses), controlPort, controlAddress, controlOutcome.ToLowerInvariant()),
        F("Test from another network or from the mail server itself, or ask the network owner whether outbound TCP {0} is blocked; if it is, relay through a smart host on port 587.", port),
        Evidence(("Port", port), ("Outcome", outcome), ("FailedAddresses", string.Join(", ", failedAddresses)), ("ControlAddress", controlAddress), ("ControlPort", controlPort), ("ControlOutcome", controlOutcome)));

    /// <summary>No TCP connection to the SMTP port (the wording shared with the other engines' unreachable servers).</summary>
    public static Finding ServerUnreachable(string host, string address, int port, SmtpStageOutcome outcome, string detail) => ReachabilityFindings.ServerUnreachable(
        F("{0} ({1}) port {2}", host, address, port),
        F("no TCP connection ({0}{1})", outcome, detail.Length > 0 ? ": " + detail : string.Empty),
        outcome == SmtpStageOutcome.Refused
            ? "Nothing listens on that port, or a firewall rejects the connection: check the service and the firewall rules for the port."
            : "Packets to that port get no answer: check that the host is up and that no firewall on the path drops the connection (run Test-MxPath for the domain).",
        port,
        outcome.ToString());

    public static Finding SmtpSessionFailed(SmtpStage stage, SmtpStageOutcome outcome, string reply, double elapsedMs)
    {
        var recommendation = outcome switch
        {
            SmtpStageOutcome.TempFailed => "The server deferred the session; read the reply text (Resolve-SmtpStatus explains the code) and retry later.",
            SmtpStageOutcome.Rejected => "The server refused this step; read the reply text (Resolve-SmtpStatus explains the code) and fix the sender, recipient or client policy it names.",
            SmtpStageOutcome.ProtocolError => "The server's answer is not valid SMTP: check for a proxy, firewall or non-SMTP service on this port.",
            SmtpStageOutcome.Timeout => "The server stopped answering at this stage: compare with a run from another network and look for a device on the path that holds the session.",
            _ => "The connection ended at this stage: look at the server's log for the session and at any firewall or load balancer on the path.",
        };
        reply = reply.Trim();
        return new Finding(
            FindingCodes.SmtpSessionFailed,
            outcome == SmtpStageOutcome.TempFailed ? FindingSeverity.Warning : FindingSeverity.Error,
            F("The session failed at {0}: {1}{2}.", stage, outcome, reply.Length > 0 ? " (" + reply + ")" : string.Empty),
            recommendation,
            Evidence(("Stage", stage.ToString()), ("Outcome", outcome.ToString()), ("Reply", reply), ("ElapsedMs", Math.Round(elapsedMs, 1))));
    }

    public static Finding TransferStalled(TransferStall s) => Finding.Error(
        FindingCodes.TransferStalled,
        F("Acknowledgements stopped after {0} bytes sent on the connection ({1} of {2} bytes of message data); {3} retransmissions went unanswered and the sender backed off.", s.StreamBytesAcked, s.MessageBytesAcked, s.MessageBytes, s.Retransmits),
        "Something on the path stops forwarding this flow mid-transfer (load balancer, firewall session limit, or a PMTU black hole if the stall is at the first full-size segment): capture at the network edge, and run Find-MtuBlackHole against the same host.",
        Evidence(
            ("StalledAtByte", s.StreamBytesAcked),
            ("MessageBytesAcked", s.MessageBytesAcked),
            ("MessageBytesWritten", s.MessageBytesWritten),
            ("MessageBytes", s.MessageBytes),
            ("StallDetectedAtMs", Math.Round(s.StallDetectedAtMs, 1)),
            ("LastAckAtMs", Math.Round(s.LastAckAtMs, 1)),
            ("Retransmits", s.Retransmits),
            ("UnackedSegments", s.Last.UnackedSegments ?? 0),
            ("Backoff", s.Last.Backoff ?? 0),
            ("RtoMs", (s.Last.RetransmitTimeoutMicroseconds ?? 0) / 1000.0),
            ("SendMss", s.Last.SendMss ?? 0),
            ("PathMtu", s.Last.PathMtu ?? 0)));

    public static Finding EndOfDataSplitFails(SmtpStageOutcome outcome, double elapsedMs) => Finding.Error(
        FindingCodes.EndOfDataSplitFails,
        F("With the final '.' and its CRLF in separate packets, the end of data was lost ({0}).", outcome),
        "A device on the path (typically a PIX/ASA with SMTP fixup or inspection) mishandles a split end-of-data mark: disable SMTP inspection on it or update it.",
        Evidence(("Outcome", outcome.ToString()), ("ElapsedMs", Math.Round(elapsedMs, 1))));

    /// <summary>Why the credential was not sent, decided before a byte of it was written.</summary>
    public static Finding AuthWithheld(AuthWithholding w) => w.Reason switch
    {
        AuthWithheldReason.NotEncrypted => Finding.Error(
            FindingCodes.AuthWithoutTls,
            F("The credential was not sent: the session with {0} is not encrypted ({1}){2}, and a password sent there can be read by anyone on the path.",
                w.Host,
                w.StartTls == SmtpStartTlsMode.Off ? "-StartTls Off was given" : "the server does not offer STARTTLS",
                w.OfferedBeforeTls.Count > 0 ? " although it offers AUTH " + string.Join(" ", w.OfferedBeforeTls) + " in plain text" : string.Empty),
            "Enable STARTTLS on the server (or test a port that offers it); only for a test server, add -AllowInsecureAuth to send the credential anyway.",
            Evidence(("StartTls", w.StartTls.ToString()), ("StartTlsOffered", w.StartTlsOffered), ("AuthOfferedInPlainText", string.Join(" ", w.OfferedBeforeTls)))),
        AuthWithheldReason.CertificateUntrusted => Finding.Error(
            FindingCodes.AuthCertificateUntrusted,
            F("The credential was not sent: the TLS certificate of {0} did not validate ({1}), so the session could be with anyone posing as the server.", w.Host, w.Tls?.CertificateStatus),
            F("Give the server a certificate that chains to a trusted root and names {0}; only for a test server, add -AllowInsecureAuth to send the credential anyway.", w.Host),
            Evidence(("CertificateStatus", w.Tls?.CertificateStatus ?? string.Empty), ("CertificateSubject", w.Tls?.CertificateSubject ?? string.Empty), ("CertificateIssuer", w.Tls?.CertificateIssuer ?? string.Empty))),
        _ => Finding.Error(
            FindingCodes.AuthNotOffered,
            w.Offered.Count > 0
                ? F("The credential was not sent: {0} offers AUTH {1} only, and this tool speaks {2}.", w.Host, string.Join(" ", w.Offered), string.Join(", ", w.Supported))
                : w.Encrypted && w.OfferedBeforeTls.Count > 0
                    ? F("The credential was not sent: {0} offered AUTH only before STARTTLS, not in the encrypted session.", w.Host)
                    : F("The credential was not sent: {0} does not offer AUTH in this session.", w.Host),
            "Check the server's AUTH settings for this port (on Exchange, the receive connector's AuthMechanism and permission groups; on Postfix, smtpd_sasl_auth_enable and smtpd_tls_auth_only).",
            Evidence(("AuthOffered", string.Join(" ", w.Offered)), ("AuthOfferedBeforeStartTls", string.Join(" ", w.OfferedBeforeTls)), ("Tls", w.Encrypted))),
    };

    internal static IReadOnlyDictionary<string, object> Evidence(params (string Key, object Value)[] items)
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            d[key] = value;
        }

        return d;
    }

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
