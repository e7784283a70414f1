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
    // Highest first. Each entry: the code, where such a fault sits, and a plain-words headline.
    private static readonly (string Code, FaultLocation Location, string Headline)[] Ranking =
    {
        (FindingCodes.NullMx, FaultLocation.RemoteHost, "The domain publishes a null MX: it accepts no mail by design."),
        (FindingCodes.DnsLookupFailed, FaultLocation.RemoteHost, "The domain's MX lookup failed, so no sender can find its mail servers."),
        (FindingCodes.LargeUdpResponsesLost, FaultLocation.Path, "Large DNS answers are lost over UDP on the way from a DNS server: fragments are being dropped."),
        (FindingCodes.NoBannerAfterConnect, FaultLocation.RemoteHost, "An MX host accepts TCP connections but never sends the SMTP banner."),
        (FindingCodes.BannerMasked, FaultLocation.Path, "A middlebox rewrites the SMTP banner (an SMTP \"fixup\"/inspection feature)."),
        (FindingCodes.SizeSpecificLoss, FaultLocation.Path, "A device on the path loses TCP segments of particular sizes."),
        (FindingCodes.PmtudBlackHole, FaultLocation.Path, "Path MTU discovery is broken: large packets are dropped and no \"too big\" error comes back."),
        (FindingCodes.TransferStalled, FaultLocation.Path, "The path stops forwarding the session partway through the message data."),
        (FindingCodes.LocalPort25Blocked, FaultLocation.LocalNetwork, "Outbound connections to port 25 are blocked near the sender."),
        (FindingCodes.AllHopsFailed, FaultLocation.Unknown, "No MX host of the domain could be reached."),
        (FindingCodes.TcpFallbackBlocked, FaultLocation.Path, "DNS over TCP is blocked, so truncated answers cannot be retried."),
        (FindingCodes.EndOfDataSplitFails, FaultLocation.Path, "The end of the message is lost when \".\" and CRLF arrive in separate packets."),
        (FindingCodes.StartTlsFailed, FaultLocation.RemoteHost, "STARTTLS fails, so a sender that requires TLS cannot deliver."),
        (FindingCodes.Ipv6PathBroken, FaultLocation.Path, "The IPv6 path to the MX hosts is broken while IPv4 works."),
        (FindingCodes.MxTargetHasNoAddress, FaultLocation.RemoteHost, "An MX target has no address."),
        (FindingCodes.ServerUnreachable, FaultLocation.Path, "A DNS server for the domain does not answer."),
    };

    public static CauseVerdict Analyze(IReadOnlyList<StagedFinding> findings)
    {
        var problems = findings.Where(f => f.Finding.IsProblem || f.Finding.Code == FindingCodes.NullMx).ToList();
        var chain = findings
            .Where(f => f.Finding.IsProblem || f.Finding.Code is FindingCodes.NullMx or FindingCodes.ImplicitMx or FindingCodes.PmtudWorking)
            .Select(f => $"{f.Stage}: {f.Subject}: [{f.Finding.Severity}] {f.Finding.Code}: {f.Finding.Message}")
            .ToList();

        foreach (var (code, location, headline) in Ranking)
        {
            var match = problems.FirstOrDefault(f => f.Finding.Code == code);
            if (match is null)
            {
                continue;
            }

            var summary = headline + " " + match.Finding.Message;
            return new CauseVerdict(code, location, summary.Trim(), match.Finding.Recommendation, chain);
        }

        // A problem outside the ranking: name it rather than hide it.
        var other = problems.OrderByDescending(f => f.Finding.Severity).FirstOrDefault(f => f.Finding.IsProblem);
        if (other is not null)
        {
            return new CauseVerdict(other.Finding.Code, FaultLocation.Unknown, other.Finding.Message, other.Finding.Recommendation, chain);
        }

        return new CauseVerdict(FindingCodes.None, FaultLocation.None, "No path problem found: DNS, the MX hosts and the SMTP session all worked.", string.Empty, chain);
    }

    /// <summary>The rank of a code (lower is more specific), or int.MaxValue when unranked.</summary>
    public static int RankOf(string code)
    {
        var index = Array.FindIndex(Ranking, r => r.Code == code);
        return index < 0 ? int.MaxValue : index;
    }
}
