using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.PathMtu;

/// <summary>Turns measurements into findings with evidence and one recommendation each.</summary>
internal static class MtuFindings
{
    public static List<Finding> Build(MtuFindingInputs x)
    {
        var findings = new List<Finding>();
        var v = x.Verdict;
        if (x.IcmpNotPermitted is { } why)
        {
            findings.Add(Finding.Info(
                FindingCodes.IcmpNotPermitted,
                $"ICMP probing is not permitted for this process, so Auto used the unprivileged fallback instead: TCP segments to port {x.Port} (-Method Tcp), which needs an SMTP server answering on that port.",
                "Run as root, grant CAP_NET_RAW (setcap cap_net_raw+ep) or add your group to net.ipv4.ping_group_range to probe with ICMP as well.",
                new Dictionary<string, object> { ["Fallback"] = "Tcp", ["Port"] = x.Port, ["Reason"] = why }));
        }

        var too = x.IsIPv6 ? "ICMPv6 type 2 ('packet too big')" : "ICMP type 3 code 4 ('fragmentation needed')";
        var ipAndTcpHeaders = x.IsIPv6 ? 60 : 40;

        if (v is not null && v.BlackHole && v.LargestPassed is { } mtu && v.SmallestLost is { } lost)
        {
            var evidence = new Dictionary<string, object>
            {
                ["PathMtu"] = mtu,
                ["SmallestLostSize"] = lost,
                ["AttemptsAtSmallestLost"] = v.BoundaryAttempts,
                ["Exact"] = v.Exact,
                ["Method"] = x.VerdictMethod.ToString(),
            };
            if (x.Local?.LocalMtu is { } local)
            {
                evidence["LocalMtu"] = local;
            }

            if (x.ConfirmedByTcp is { } confirmed)
            {
                evidence["ConfirmedByTcp"] = confirmed;
            }

            var exact = v.Exact ? $"{mtu}-byte packets cross, {lost}-byte packets vanish" : $"packets up to {mtu} bytes cross, {lost}-byte packets vanish";
            findings.Add(Finding.Error(
                FindingCodes.PmtudBlackHole,
                $"Path MTU discovery black hole towards {x.Address}: {exact} ({v.BoundaryAttempts} attempts) and no {too} comes back. Small mail gets through, large mail stalls after DATA.",
                $"Find the router or firewall between here and {x.Address} that drops {too} and let it through; until then lower the sending interface MTU to {mtu} or clamp the TCP MSS to {mtu - ipAndTcpHeaders}.",
                evidence));
        }
        else if (v is not null && v.LargestPassed is { } passed)
        {
            var evidence = new Dictionary<string, object> { ["PathMtu"] = passed, ["Method"] = x.VerdictMethod.ToString() };
            string message;
            if (v.TooBigSeen)
            {
                evidence["ReportedNextHopMtu"] = (object?)v.ReportedNextHopMtu ?? "not given";
                if (v.ReportedBy is not null)
                {
                    evidence["ReportedBy"] = v.ReportedBy;
                }

                message = $"Path MTU discovery works towards {x.Address}: packets above {passed} bytes draw a 'too big' error"
                    + (v.ReportedNextHopMtu is { } m ? $" (next-hop MTU {m}" + (v.ReportedBy is null ? ")" : $" from {v.ReportedBy})") : string.Empty)
                    + ", so senders adapt.";
            }
            else if (v.SmallestLost is null && x.Local?.RoutePmtu is { } cached && passed >= cached && cached < (x.Local.LocalMtu ?? int.MaxValue))
            {
                evidence["CachedRoutePmtu"] = cached;
                message = $"This host's kernel already knows path MTU {cached} for {x.Address} (learned from an earlier 'too big' error or set on the route); {passed}-byte packets cross.";
            }
            else if (v.SmallestLost is null)
            {
                message = $"Full-size {passed}-byte packets cross the path to {x.Address}: nothing below the local MTU limits it.";
            }
            else
            {
                message = $"Packets up to {passed} bytes cross the path to {x.Address}; larger ones failed without a clear black-hole pattern.";
            }

            findings.Add(Finding.Info(FindingCodes.PmtudWorking, message, "No path MTU action needed.", evidence));
        }

        if (x.IcmpEchoLimit is { } echoLimit)
        {
            findings.Add(Finding.Info(
                FindingCodes.IcmpFiltered,
                $"ICMP echo requests to {x.Address} larger than {echoLimit} bytes vanish, but larger TCP segments to port {x.Port} cross: something filters large echo requests. This is not a path MTU black hole; the path was measured over TCP.",
                "Nothing to fix for mail; use -Method Tcp for this host.",
                new Dictionary<string, object> { ["LargestEchoThatCrossed"] = echoLimit }));
        }

        if (x.IcmpUnanswered)
        {
            var measured = x.TcpRan ? $" Measured over TCP port {x.Port} instead." : string.Empty;
            findings.Add(Finding.Info(
                FindingCodes.IcmpFiltered,
                $"ICMP echo to {x.Address} gets no reply at any size: it is filtered or dropped on the path or by the host.{measured}",
                $"Nothing to fix for mail; use -Method Tcp for this host.",
                new Dictionary<string, object> { ["Method"] = "Icmp" }));
        }

        if (x.TcpRan && x.TcpFailure is not null && (v is null || v.NoAnswer))
        {
            findings.Add(ReachabilityFindings.ServerUnreachable(
                $"The SMTP server at {x.Address} port {x.Port}",
                $"it could not be used for the measurement ({x.TcpFailure}), so the path could not be measured over TCP",
                "Check that the host accepts SMTP from here (Test-NetConnection -Port 25), then run again.",
                x.Port,
                x.TcpFailure));
        }

        if (x.Sweep is { } sweep && sweep.Failing.Length > 0)
        {
            var failing = string.Join(", ", sweep.Failing.Select(s => s.ToString(CultureInfo.InvariantCulture)));
            var evidence = new Dictionary<string, object>
            {
                ["FailingPayloadSizes"] = sweep.Failing,
                ["PassingPayloadSizes"] = sweep.Passing,
                ["NonMonotonic"] = sweep.NonMonotonic,
                ["RepliesReceived"] = sweep.Entries.Where(e => e.Failed).ToDictionary(e => e.PayloadSize.ToString(CultureInfo.InvariantCulture), e => (object)(e.RepliesReceived + " of " + e.Commands)),
            };
            var notJudged = string.Empty;
            if (sweep.NotRun.Length > 0)
            {
                evidence["NotJudgedPayloadSizes"] = sweep.NotRun;
                notJudged = $" ({sweep.NotRun.Length} other sizes could not be judged: {sweep.Entries.First(e => e.Attempts == 0).Detail})";
            }

            if (sweep.NonMonotonic)
            {
                var neighbours = sweep.Failing
                    .SelectMany(f => new[] { f - 1, f + 1 })
                    .Where(n => sweep.Passing.Contains(n))
                    .Distinct()
                    .OrderBy(n => n)
                    .ToArray();
                if (neighbours.Length > 0)
                {
                    evidence["PassingNeighbours"] = neighbours;
                }

                findings.Add(Finding.Error(
                    FindingCodes.SizeSpecificLoss,
                    $"Envelope writes of exactly {failing} bytes to {x.Address} get no complete reply on any attempt, while smaller and larger writes work: something on the path loses particular segment sizes{notJudged}.",
                    $"Disable the SMTP fixup / ESMTP inspection (or TCP re-segmentation) on the firewall in front of {x.Address}, or route mail around it; as a sender-side workaround turn off SMTP PIPELINING.",
                    evidence));
            }
            else
            {
                findings.Add(Finding.Warning(
                    FindingCodes.SizeSpecificLoss,
                    $"Every envelope write of {sweep.FailingFrom} bytes or more to {x.Address} got no complete reply, while smaller ones worked: this looks like a size limit on the path rather than loss of particular sizes{notJudged}.",
                    "Run Find-MtuBlackHole -Method Tcp to measure the limit; then lower the MTU or clamp the MSS, or fix the device that drops larger segments.",
                    evidence));
            }
        }

        if (x.Sweep is { } partial && partial.NotRun.Length > 0
            && (partial.ServerLimited || partial.Passing.Length + partial.Failing.Length + partial.Intermittent.Length > 0))
        {
            findings.Add(SweepIncomplete(x.Address, partial));
        }

        if (x.Local?.KernelTcpMtuProbing is { } probing && probing > 0)
        {
            var evidence = new Dictionary<string, object> { ["net.ipv4.tcp_mtu_probing"] = probing };
            var message = $"This host's TCP does its own path MTU probing (RFC 4821, net.ipv4.tcp_mtu_probing = {probing}"
                + (probing == 1 ? ", after a suspected black hole" : ", always")
                + "): its own sessions recover from a black hole after a stall, so mail sent from here can work while other senders fail.";
            var recommendation = "Judge the path by these probes, which bypass it, not by whether this host's mail gets through; set net.ipv4.tcp_mtu_probing=0 to see what other senders see.";
            findings.Add(v?.BlackHole == true
                ? Finding.Warning(FindingCodes.KernelMtuProbingActive, message, recommendation, evidence)
                : Finding.Info(FindingCodes.KernelMtuProbingActive, message, recommendation, evidence));
        }

        return findings;
    }

    /// <summary>Sizes the sweep could not measure are Inconclusive, never passed: a Warning that names them.</summary>
    private static Finding SweepIncomplete(string address, SweepAnalysis sweep)
    {
        var sizes = string.Join(", ", sweep.NotRun.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        var why = sweep.Entries.First(e => e.Attempts == 0).Detail ?? "no session measured them";
        return Finding.Warning(
            FindingCodes.SweepIncomplete,
            $"The sweep could not measure {sweep.NotRun.Length} payload sizes to {address} ({sizes}): {why}. They are Inconclusive, not passed.",
            "Measure those sizes again with -PayloadSize, from a host the server does not limit, or ask its administrator about the limit named in the reply.",
            new Dictionary<string, object>
            {
                ["InconclusivePayloadSizes"] = sweep.NotRun,
                ["ServerLimited"] = sweep.ServerLimited,
                ["Detail"] = why,
            });
    }
}
