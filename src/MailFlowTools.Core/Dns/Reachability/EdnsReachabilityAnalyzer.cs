using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>Turns one server's probes into sizes, the recommended buffer and findings. Pure: no I/O.</summary>
internal static class EdnsReachabilityAnalyzer
{
    public const int FlagDayBufferSize = 1232;

    private const string FragmentAdvice =
        "Have resolvers that query this server advertise an EDNS buffer of 1232 bytes (on Windows DNS Server, for non-validating servers, " +
        "'dnscmd /config /EnableEDNSProbes 0' or Set-DnsServerEDns -EnableProbes $false), keep TCP/53 open end to end so truncated answers can be retried, " +
        "and let UDP fragments from this server through firewalls.";

    /// <summary>
    /// The advertised-buffer bracket for bisection: (largest EDNS buffer whose UDP answer arrived, smallest buffer
    /// above it whose answer was lost), or null when there is no size-dependent loss.
    /// </summary>
    public static (int Lo, int Hi)? Bracket(IEnumerable<EdnsProbe> probes) =>
        EdnsSizeSplit.Find(probes.Where(EdnsReachabilityTester.IsSizeProbe).ToList()) is { } split ? (split.LargestWorkingBuffer, split.SmallestLostBuffer) : null;

    public static EdnsReachabilityResult Analyze(EdnsServerTarget server, string name, EdnsReachabilityOptions options, IReadOnlyList<EdnsProbe> probes, double elapsedMs)
    {
        var findings = new List<Finding>();
        var serverText = SystemDnsServers.Describe(server.EndPoint);
        var sized = probes.Where(EdnsReachabilityTester.IsSizeProbe).ToList();
        var udp = probes.Where(p => p.Transport == DnsTransport.Udp).ToList();
        var tcp = probes.FirstOrDefault(p => p.Transport == DnsTransport.Tcp);
        bool? tcpWorks = tcp is null ? null : tcp.Arrived;
        int? fullAnswer = tcp is { Arrived: true, Outcome: EdnsProbeOutcome.Answer } ? tcp.ResponseSize : null;
        var largestUdpAnswer = udp.Where(p => p.Arrived).Select(p => p.ResponseSize).DefaultIfEmpty(0).Max();
        var lost = sized.Where(p => p.Outcome == EdnsProbeOutcome.Timeout).ToList();
        var arrived = sized.Where(p => p.Arrived).ToList();
        var split = EdnsSizeSplit.Find(sized);
        int? smallestLostBuffer = split?.SmallestLostBuffer ?? (lost.Count == 0 ? null : lost.Min(p => p.EffectiveBufferSize));
        int? smallestLostAnswer = (split?.LostAbove ?? lost).Select(p => (int?)Math.Min(p.EffectiveBufferSize, fullAnswer ?? int.MaxValue)).Min();
        var workingBuffers = arrived.Where(p => p.Edns).Select(p => p.EffectiveBufferSize).ToList();
        int? largestWorkingBuffer = split?.LargestWorkingBuffer ?? (workingBuffers.Count == 0 ? null : workingBuffers.Max());
        var ednsAnswers = sized.Where(p => p.Edns && p.Arrived).ToList();
        bool? ednsSupported = ednsAnswers.Count == 0 ? null : ednsAnswers.Any(p => p.ResponseHasOpt && p.Outcome is not EdnsProbeOutcome.FormErr and not EdnsProbeOutcome.NotImplemented);
        var nsid = probes.Select(p => p.Nsid).FirstOrDefault(n => n is not null);

        var sizeLoss = false;
        if (!probes.Any(p => p.Arrived))
        {
            var first = probes.FirstOrDefault(p => p.Detail is not null);
            // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
            findings.Add(ReachabilityFindings.ServerUnreachable(
                serverText,
                $"none of {probes.Count} queries over UDP or TCP got an answer{(first?.Detail is { } detail ? " (" + detail + ")" : string.Empty)}",
                "Check that the address is right and that UDP and TCP port 53 to it are open; if it is one of the zone's name servers, fix it or remove it from the NS set.",
                53,
                Summary(probes)));
        }
        else
        {
            if (!udp.Any(p => p.Arrived))
            {
                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                findings.Add(ReachabilityFindings.ServerUnreachable(
                    serverText,
                    $"none of {udp.Count} UDP queries got an answer, while TCP works",
                    "Open UDP port 53 to this server; resolvers use UDP first and many never try TCP without a truncated UDP answer.",
                    53,
                    Summary(udp)));
            }
            else if (split is not null)
            {
                sizeLoss = true;
                // A TCP reply that is not an answer (SERVFAIL, REFUSED…) shows the transport works, not that the answer comes.
                var tcpText = tcpWorks switch
                {
                    true when fullAnswer is not null => $"; the same query over TCP works ({fullAnswer} bytes)",
                    true => $"; over TCP the server replies but gives no answer ({tcp!.Outcome}, {tcp.ResponseSize} bytes)",
                    false => "; TCP fails too",
                    null => string.Empty,
                };

                // When a smaller buffer still gets a complete (not truncated) answer, only optional additional records
                // are lost with the large one: resolvers that advertise that buffer are not affected.
                var complete = arrived.Where(p => p.Edns && p.Outcome == EdnsProbeOutcome.Answer && p.AnswerCount > 0 && p.EffectiveBufferSize < smallestLostBuffer).OrderByDescending(p => p.EffectiveBufferSize).FirstOrDefault();
                var message = $"UDP answers from {serverText} of up to {largestUdpAnswer} bytes arrive, but answers of about {smallestLostAnswer} bytes and more (advertised buffer {smallestLostBuffer} and above) never do{tcpText}: large UDP answers, which are fragmented, are dropped on the path.";
                if (complete is not null)
                {
                    message += $" A buffer of {complete.EffectiveBufferSize} still gets a complete answer ({complete.ResponseSize} bytes, without the optional additional records), so only resolvers that advertise more lose it.";
                }

                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                findings.Add(new Finding(
                    FindingCodes.LargeUdpResponsesLost,
                    complete is null ? FindingSeverity.Error : FindingSeverity.Warning,
                    message,
                    FragmentAdvice,
                    Evidence(
                        ("CompleteAnswerBufferSize", complete?.EffectiveBufferSize ?? 0),
                        ("LargestUdpAnswer", largestUdpAnswer),
                        ("SmallestLostUdpAnswer", smallestLostAnswer!.Value),
                        ("LargestWorkingBufferSize", largestWorkingBuffer ?? 0),
                        ("SmallestLostBufferSize", smallestLostBuffer!.Value),
                        ("FullAnswerSize", fullAnswer ?? 0),
                        ("TcpWorks", tcpWorks?.ToString() ?? "not tested"),
                        ("LostProbes", split.LostAbove.Count),
                        ("LostBufferSizes", string.Join(",", split.LostAbove.Select(p => p.Edns ? p.BufferSize.ToString(CultureInfo.InvariantCulture) : "noedns"))))));
            }

            if (arrived.Count > 0 && lost.Count > 0 && (split is null || split.Misfits > 0))
            {
                var stray = split is null ? lost.Count : split.Misfits;
                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                findings.Add(Finding.Warning(
                    FindingCodes.IntermittentUdpLoss,
                    split is null
                        ? $"{lost.Count} of {sized.Count} UDP queries to {serverText} got no answer, and the loss does not follow answer size."
                        : $"Besides the size-dependent loss, {stray} UDP probe(s) to {serverText} were on the wrong side of the {split.LargestWorkingBuffer}-byte threshold (lost below it or answered above it).",
                    "Repeat the test; persistent loss that is not size-dependent points at rate limiting (RRL) or a congested or filtering path rather than fragments.",
                    Evidence(("LostProbes", lost.Count), ("SizeProbes", sized.Count), ("Outcomes", Summary(sized)))));
            }

            if (tcp is not null && !tcp.Arrived && udp.Any(p => p.Arrived))
            {
                // Blocked TCP only hurts an answer that does not fit in what UDP delivers (1232 bytes, or less on a lossy path).
                var needed = NeedsTcp(udp, lost.Count > 0, fullAnswer);
                var complete = udp.Where(p => p.Outcome == EdnsProbeOutcome.Answer).Select(p => p.ResponseSize).DefaultIfEmpty(0).Max();
                var message = $"TCP/53 on {serverText} gives no answer ({tcp.Outcome}{(tcp.Detail is null ? string.Empty : ": " + tcp.Detail)}) while UDP works" +
                    (needed
                        ? "; resolvers that get a truncated or lost UDP answer have nothing to fall back to."
                        : $"; this answer ({complete} bytes) fits in a {FlagDayBufferSize}-byte UDP answer, so it does not need TCP, but larger answers from this server would.");
                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                var evidence = Evidence(("TcpOutcome", tcp.Outcome.ToString()), ("TcpElapsedMs", tcp.ElapsedMs), ("TruncatedUdpAnswers", udp.Count(p => p.Outcome == EdnsProbeOutcome.Truncated)), ("LargestCompleteUdpAnswer", complete), ("NeededForThisAnswer", needed));
                const string advice = "Open TCP port 53 to this server end to end: RFC 7766 requires DNS over TCP, and truncated (TC=1) or large answers depend on it.";
                findings.Add(needed
                    ? Finding.Error(FindingCodes.TcpFallbackBlocked, message, advice, evidence)
                    : Finding.Info(FindingCodes.TcpFallbackBlocked, message, advice, evidence));
            }

            var plain = sized.Where(p => !p.Edns && p.Outcome is EdnsProbeOutcome.Answer or EdnsProbeOutcome.Truncated).ToList();
            var rejected = ednsAnswers.Where(p => p.Outcome is EdnsProbeOutcome.FormErr or EdnsProbeOutcome.NotImplemented).ToList();
            if (ednsSupported == false || (plain.Count > 0 && rejected.Count > 0))
            {
                var noOpt = ednsAnswers.Count(p => !p.ResponseHasOpt);
                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                findings.Add(Finding.Warning(
                    FindingCodes.EdnsNotSupported,
                    $"{serverText} does not handle EDNS: {noOpt} of {ednsAnswers.Count} answers to EDNS queries carried no OPT record and {rejected.Count} were FORMERR/NOTIMP.",
                    "Upgrade or reconfigure the server to support EDNS0 (RFC 6891); since DNS Flag Day 2019 resolvers no longer work around servers without it.",
                    Evidence(("EdnsAnswersWithoutOpt", noOpt), ("EdnsRejected", rejected.Count), ("PlainAnswers", plain.Count))));
            }

            var oversize = udp.Where(p => p.Arrived && p.ResponseSize > p.EffectiveBufferSize).OrderByDescending(p => p.ResponseSize - p.EffectiveBufferSize).ToList();
            if (oversize.Count > 0)
            {
                var worst = oversize[0];
                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                findings.Add(Finding.Warning(
                    FindingCodes.BufferSizeExceeded,
                    $"{serverText} sent {worst.ResponseSize} bytes over UDP to a query that allowed {worst.EffectiveBufferSize} ({oversize.Count} such answers).",
                    "Fix the server so it truncates UDP answers to the buffer the client advertises (RFC 6891 §6.2.5, 512 bytes without EDNS); oversize answers get fragmented and lost.",
                    Evidence(("ResponseSize", worst.ResponseSize), ("AllowedSize", worst.EffectiveBufferSize), ("Count", oversize.Count))));
            }

            var truncatedNoOpt = udp.Where(p => p.Edns && p.Outcome == EdnsProbeOutcome.Truncated && !p.ResponseHasOpt).ToList();
            if (truncatedNoOpt.Count > 0)
            {
                // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
                findings.Add(Finding.Warning(
                    FindingCodes.TruncatedWithoutOpt,
                    $"{serverText} sent {truncatedNoOpt.Count} truncated answer(s) to EDNS queries without an OPT record.",
                    "Upgrade the server: a truncated answer to an EDNS query must still carry OPT (RFC 6891 §7), or resolvers may stop using EDNS with it.",
                    Evidence(("Count", truncatedNoOpt.Count), ("BufferSizes", string.Join(",", truncatedNoOpt.Select(p => p.BufferSize.ToString(CultureInfo.InvariantCulture)))))));
            }

            if (options.Compliance)
            {
                AddCompliance(findings, probes, serverText);
            }
        }

        int recommended;
        if (ednsSupported != true)
        {
            recommended = ednsSupported == false ? 512 : FlagDayBufferSize;
        }
        else if (sizeLoss && smallestLostAnswer <= FlagDayBufferSize)
        {
            // Even 1232 is too big on this path: only sizes that demonstrably arrived are safe.
            recommended = Math.Max(512, Math.Min(largestUdpAnswer, largestWorkingBuffer ?? 512));
        }
        else
        {
            recommended = FlagDayBufferSize;
        }

        return new EdnsReachabilityResult
        {
            Server = serverText,
            ServerName = server.Name,
            Name = name,
            Type = options.Type,
            Probes = probes.ToArray(),
            LargestUdpAnswer = largestUdpAnswer,
            SmallestLostUdpAnswer = smallestLostAnswer,
            LargestWorkingBufferSize = largestWorkingBuffer,
            SmallestLostBufferSize = smallestLostBuffer,
            FullAnswerSize = fullAnswer,
            TcpWorks = tcpWorks,
            EdnsSupported = ednsSupported,
            RecommendedBufferSize = recommended,
            Nsid = nsid,
            ElapsedMs = Math.Round(elapsedMs, 1),
            Findings = findings,
        };
    }

    /// <summary>
    /// Whether this answer depends on TCP: UDP answers were lost, or no buffer of 1232 bytes or less got a complete
    /// answer while some answer was truncated or larger than 1232 bytes. Without any EDNS answer, any truncation counts.
    /// </summary>
    internal static bool NeedsTcp(IReadOnlyList<EdnsProbe> udp, bool udpLost, int? fullAnswer)
    {
        if (udpLost)
        {
            return true;
        }

        var edns = udp.Where(p => p.Edns && p.Arrived).ToList();
        if (edns.Count == 0)
        {
            return udp.Any(p => p.Outcome == EdnsProbeOutcome.Truncated);
        }

        // A resolver that advertises 1232 (DNS Flag Day 2020) gets this answer complete over UDP: no TCP needed.
        if (edns.Any(p => p.Outcome == EdnsProbeOutcome.Answer && p.EffectiveBufferSize <= FlagDayBufferSize))
        {
            return false;
        }

        return edns.Any(p => p.Outcome == EdnsProbeOutcome.Truncated)
            || fullAnswer > FlagDayBufferSize
            || edns.Any(p => p.Outcome == EdnsProbeOutcome.Answer && p.ResponseSize > FlagDayBufferSize);
    }

    private static void AddCompliance(List<Finding> findings, IReadOnlyList<EdnsProbe> probes, string serverText)
    {
        var problems = 0;
        var version = probes.FirstOrDefault(p => p.Kind == EdnsProbeKind.UnknownVersion);
        if (version is not null && !(version.Outcome == EdnsProbeOutcome.BadVers && version.ResponseEdnsVersion == 0))
        {
            problems++;
            findings.Add(Finding.Warning(
                FindingCodes.EdnsVersionNotRejected,
                $"{serverText} did not answer an EDNS version 1 query with BADVERS and version 0 ({version.Outcome}{(version.Detail is null ? string.Empty : ": " + version.Detail)}).",
                "Upgrade the server: RFC 6891 §6.1.3 requires BADVERS for unknown EDNS versions so clients can fall back.",
                Evidence(("Outcome", version.Outcome.ToString()), ("ResponseEdnsVersion", version.ResponseEdnsVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"))));
        }

        var option = probes.FirstOrDefault(p => p.Kind == EdnsProbeKind.UnknownOption);
        if (option is not null && !(option.Outcome is EdnsProbeOutcome.Answer or EdnsProbeOutcome.Truncated && option.ResponseHasOpt && !option.EchoedUnknownOption))
        {
            problems++;
            findings.Add(Finding.Warning(
                FindingCodes.EdnsUnknownOptionRejected,
                $"{serverText} mishandled a query with an unknown EDNS option ({option.Outcome}{(option.Detail is null ? string.Empty : ": " + option.Detail)}).",
                "Upgrade the server or the firewall in front of it: unknown EDNS options must be ignored (RFC 6891 §6.1.2), not rejected, dropped or echoed.",
                Evidence(("Outcome", option.Outcome.ToString()), ("OptionCode", EdnsReachabilityTester.UnknownOptionCode))));
        }

        var flag = probes.FirstOrDefault(p => p.Kind == EdnsProbeKind.UnknownFlag);
        if (flag is not null && !(flag.Outcome is EdnsProbeOutcome.Answer or EdnsProbeOutcome.Truncated && flag.ResponseHasOpt && !flag.EchoedUnknownFlag))
        {
            problems++;
            findings.Add(Finding.Warning(
                FindingCodes.EdnsUnknownFlagRejected,
                $"{serverText} mishandled a query with an unknown EDNS flag ({flag.Outcome}{(flag.Detail is null ? string.Empty : ": " + flag.Detail)}).",
                "Upgrade the server or the firewall in front of it: unknown EDNS flags must be ignored and cleared in the answer (RFC 6891 §6.1.4).",
                Evidence(("Outcome", flag.Outcome.ToString()), ("Flag", "0x0080"))));
        }

        var truncated = probes.FirstOrDefault(p => p.Kind == EdnsProbeKind.TruncatedOpt);
        if (truncated is { Outcome: EdnsProbeOutcome.Truncated, ResponseHasOpt: false })
        {
            // Reported as TruncatedWithoutOpt with the other UDP answers.
            problems++;
        }

        if (problems == 0)
        {
            findings.Add(Finding.Info(
                FindingCodes.EdnsCompliant,
                $"{serverText} passed the EDNS compliance probes (BADVERS for version 1, unknown option and flag ignored{(truncated?.Outcome == EdnsProbeOutcome.Truncated ? ", OPT on truncated answers" : string.Empty)})."));
        }
    }

    private static string Summary(IEnumerable<EdnsProbe> probes)
    {
        var groups = probes.GroupBy(p => p.Outcome).OrderBy(g => g.Key);
        // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
        return string.Join(", ", groups.Select(g => g.Count().ToString(CultureInfo.InvariantCulture) + " " + g.Key));
    }

    private static Dictionary<string, object> Evidence(params (string Key, object Value)[] items)
    {
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            result[key] = value;
        }

        return result;
    }
}
