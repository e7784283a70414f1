using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// Names the probable cause from the findings of every step. The most specific explanation wins: a PMTU black hole
/// explains a stalled transfer, so it ranks above it; a domain that refuses mail by design ranks above all.
/// Pure logic over finding codes, so it is tested without a network.
/// </summary>
public static class CauseAnalyzer
{
    // Highest first. Each entry: the code, where such a fault sits, a plain-words headline, and optionally which
    // findings of that code qualify at this rank.
    private static readonly (string Code, FaultLocation Location, string Headline, Func<StagedFinding, bool>? Qualifies)[] Ranking =
    {
        (FindingCodes.NullMx, FaultLocation.RemoteHost, "The domain publishes a null MX: it accepts no mail by design.", null),
        (FindingCodes.DnsLookupFailed, FaultLocation.RemoteHost, "The domain's MX lookup failed, so no sender can find its mail servers.", null),
        // The lost lookup names the record senders need; the EDNS loss behind it is in its evidence.
        (FindingCodes.TlsaLookupLost, FaultLocation.Path, "An MX host's TLSA lookup is lost on the way (often a large signed answer over UDP), so DANE senders defer the mail.", null),
        (FindingCodes.LargeUdpResponsesLost, FaultLocation.Path, "Large DNS answers are lost over UDP on the way from a DNS server: fragments are being dropped.", IsError),
        (FindingCodes.NoBannerAfterConnect, FaultLocation.RemoteHost, "An MX host accepts TCP connections but never sends the SMTP banner.", null),
        (FindingCodes.BannerMasked, FaultLocation.Path, "A middlebox rewrites the SMTP banner (an SMTP \"fixup\"/inspection feature).", null),
        (FindingCodes.SizeSpecificLoss, FaultLocation.Path, "A device on the path loses TCP segments of particular sizes.", IsNonMonotonic),
        (FindingCodes.PmtudBlackHole, FaultLocation.Path, "Path MTU discovery is broken: large packets are dropped and no \"too big\" error comes back.", null),
        (FindingCodes.TransferStalled, FaultLocation.Path, "The path stops forwarding the session partway through the message data.", null),

        // Every size from some point up failing is a size limit: explained by a black hole or a stall when one was found.
        (FindingCodes.SizeSpecificLoss, FaultLocation.Path, "A device on the path drops TCP segments above a certain size.", null),
        (FindingCodes.LocalPort25Blocked, FaultLocation.LocalNetwork, "Outbound connections to port 25 are blocked near the sender.", null),
        (FindingCodes.AllHopsFailed, FaultLocation.Unknown, "No MX host of the domain could be reached.", null),

        // What senders that enforce MTA-STS or DANE refuse, while plain senders may still deliver.
        (FindingCodes.DnssecBogus, FaultLocation.RemoteHost, "The DNSSEC chain of an MX host's TLSA records is broken, so DANE senders cannot use that MX host.", null),
        (FindingCodes.StartTlsStripped, FaultLocation.Path, "A middlebox on the path masks the STARTTLS offer in the EHLO reply, so senders that require TLS cannot deliver.", null),
        (FindingCodes.DaneTlsaMismatch, FaultLocation.RemoteHost, "An MX host's TLSA records do not match the certificate it presents, so DANE senders refuse it.", null),
        (FindingCodes.MtaStsPolicyExcludesMx, FaultLocation.RemoteHost, "The domain's MTA-STS policy leaves out one of its own MX hosts, so enforcing senders never use it.", null),
        (FindingCodes.MtaStsCertificateInvalid, FaultLocation.RemoteHost, "An MX host's certificate fails MTA-STS validation, so enforcing senders refuse it.", null),
        (FindingCodes.StartTlsNotOffered, FaultLocation.RemoteHost, "An MX host offers no STARTTLS although the domain's policy requires TLS.", null),
        (FindingCodes.MtaStsPolicyUnavailable, FaultLocation.RemoteHost, "The domain publishes MTA-STS, but its policy cannot be fetched or read.", null),
        (FindingCodes.TlsaRecordsUnusable, FaultLocation.RemoteHost, "An MX host's TLSA records are all unusable for SMTP.", null),

        // Lost large answers that smaller buffers still get complete cost only optional records: secondary to SMTP failures.
        (FindingCodes.LargeUdpResponsesLost, FaultLocation.Path, "Large DNS answers are lost over UDP on the way from a DNS server: fragments are being dropped.", null),
        (FindingCodes.TcpFallbackBlocked, FaultLocation.Path, "DNS over TCP is blocked, so truncated answers cannot be retried.", null),
        (FindingCodes.EndOfDataSplitFails, FaultLocation.Path, "The end of the message is lost when \".\" and CRLF arrive in separate packets.", null),
        (FindingCodes.StartTlsFailed, FaultLocation.RemoteHost, "STARTTLS fails, so a sender that requires TLS cannot deliver.", null),
        (FindingCodes.Ipv6PathBroken, FaultLocation.Path, "The IPv6 path to the MX hosts is broken while IPv4 works.", null),
        (FindingCodes.MxTargetHasNoAddress, FaultLocation.RemoteHost, "An MX target has no address.", null),
        (FindingCodes.ServerUnreachable, FaultLocation.Path, "A DNS server for the domain does not answer.", null),

        // A refused recipient is the host's policy; only a caller-named recipient makes it a problem (Warning).
        (FindingCodes.RecipientRefused, FaultLocation.RemoteHost, "The MX host refuses the recipient: its policy, not a path fault.", null),
    };

    public static CauseVerdict Analyze(IReadOnlyList<StagedFinding> findings)
    {
        var problems = findings.Where(f => f.Finding.IsProblem || f.Finding.Code == FindingCodes.NullMx).ToList();
        var chain = findings
            .Where(f => f.Finding.IsProblem || f.Finding.Code is FindingCodes.NullMx or FindingCodes.ImplicitMx or FindingCodes.PmtudWorking)
            .Select(f => $"{f.Stage}: {f.Subject}: [{f.Finding.Severity}] {f.Finding.Code}: {f.Finding.Message}")
            .ToList();

        foreach (var (code, location, headline, qualifies) in Ranking)
        {
            var match = problems.FirstOrDefault(f => f.Finding.Code == code && (qualifies is null || qualifies(f)));
            if (match is null)
            {
                continue;
            }

            var summary = headline + " " + match.Finding.Message;
            return new CauseVerdict(code, LocationOf(match, location), summary.Trim(), match.Finding.Recommendation, chain);
        }

        // A problem outside the ranking: name it rather than hide it.
        var other = problems.OrderByDescending(f => f.Finding.Severity).FirstOrDefault(f => f.Finding.IsProblem);
        if (other is not null)
        {
            return new CauseVerdict(other.Finding.Code, FaultLocation.Unknown, other.Finding.Message, other.Finding.Recommendation, chain);
        }

        return new CauseVerdict(FindingCodes.None, FaultLocation.None, "No path problem found: DNS, the MX hosts and the SMTP session all worked.", string.Empty, chain);
    }

    /// <summary>
    /// Where a fault sits when the code alone does not say: an MX set where nothing answers at all points at the path
    /// (or a host that is down); hosts that refuse or never greet point at the destination.
    /// </summary>
    private static FaultLocation LocationOf(StagedFinding finding, FaultLocation byCode)
    {
        if (finding.Finding.Code != FindingCodes.AllHopsFailed)
        {
            return byCode;
        }

        // Read first and tested after: Stryker cannot mutate a condition that declares a variable (a pattern's included).
        _ = finding.Finding.Evidence.TryGetValue("Outcomes", out var value);
        var outcomes = value as string;
        if (outcomes is null)
        {
            return byCode;
        }

        var kinds = outcomes.Split(',').Select(o => o.Trim().Split(' ')[0]).Where(o => o.Length > 0).Distinct().ToList();
        // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
        var any = kinds.Count > 0;
        if (any && kinds.All(k => k is "ConnectTimeout" or "Unreachable"))
        {
            return FaultLocation.Path;
        }

        if (any && kinds.All(k => k is "ConnectRefused" or "NoBanner" or "BannerRejected" or "BannerTempFailed" or "EhloFailed" or "TlsFailed"))
        {
            return FaultLocation.RemoteHost;
        }

        return byCode;
    }

    private static bool IsError(StagedFinding finding) => finding.Finding.Severity == FindingSeverity.Error;

    /// <summary>Loss of particular sizes (a failing size below a passing one), as opposed to a size limit.</summary>
    private static bool IsNonMonotonic(StagedFinding finding)
    {
        // Read first and tested after, as in LocationOf.
        var stated = finding.Finding.Evidence.TryGetValue("NonMonotonic", out var value);
        return stated ? value is true : finding.Finding.Severity == FindingSeverity.Error;
    }

    /// <summary>The rank of a code (lower is more specific), or int.MaxValue when unranked.</summary>
    public static int RankOf(string code)
    {
        var index = Array.FindIndex(Ranking, r => r.Code == code);
        return index < 0 ? int.MaxValue : index;
    }
}
