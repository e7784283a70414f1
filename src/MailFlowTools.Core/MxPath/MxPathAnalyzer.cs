using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Turns a walk into the verdict: the hops as a sender saw them, the hop it delivers to, the findings and
/// the one-sentence summary. Pure: no I/O, so every rule is unit-tested with made-up walks.
/// </summary>
internal static class MxPathAnalyzer
{
    public static MxPathResult Analyze(
        string domain,
        MxPathOptions options,
        MxPathResolution resolution,
        IReadOnlyList<MxHopPlan> plans,
        IReadOnlyList<HopProbeResult?> results,
        IReadOnlyList<PortControlCheck> controlChecks,
        double elapsedMs,
        TlsPolicyEvaluation? tls = null)
    {
        var walked = Math.Min(plans.Count, Math.Max(1, options.MaxHops));
        var selectedIndex = -1;
        for (var i = 0; i < plans.Count; i++)
        {
            if (results[i] is { } r && MxHopWalker.EndsWalk(r))
            {
                selectedIndex = i;
                break;
            }
        }

        var hops = new MxPathHop[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            hops[i] = ToHop(plans[i], results[i], options, NotTriedReason(i, walked, selectedIndex, hops, options), tls?.Hops[i]);
        }

        var selected = selectedIndex >= 0 ? hops[selectedIndex] : null;
        var reachable = selected?.Outcome == MxHopOutcome.Ok;
        var hopFindings = results.Select(r => r?.Findings ?? Array.Empty<Finding>()).ToArray();
        var context = new MxPathAnalysisContext(domain, options, resolution, hops, selected, reachable, controlChecks, hopFindings);
        var findings = new List<Finding>();
        AddSourceFindings(context, findings);
        AddTargetFindings(context, findings);
        AddHopFindings(context, findings);
        var tlsPolicy = tls?.Conclude(domain, resolution, hops, selected, findings);
        var summary = Summarize(context, findings) + (tlsPolicy is null ? string.Empty : TlsPolicyEvaluation.SummaryAddition(tlsPolicy));

        return new MxPathResult
        {
            DomainName = domain,
            MxSource = resolution.Source,
            MxRecords = resolution.Targets.Select(t => ToRecord(t, options.AddressFamily)).ToArray(),
            Hops = hops,
            SelectedHop = selected,
            Reachable = reachable,
            Findings = findings.ToArray(),
            Summary = summary,
            DnsServer = resolution.DnsServer,
            DnsMs = Round(resolution.ElapsedMs),
            ElapsedMs = Round(elapsedMs),
            Port = options.Port,
            AddressFamily = options.AddressFamily,
            Seed = options.Seed,
            TlsPolicy = tlsPolicy,
        };
    }

    public static string Describe(MxHopOutcome outcome) => outcome switch
    {
        MxHopOutcome.Ok => "ok",
        MxHopOutcome.ConnectRefused => "connection refused",
        MxHopOutcome.ConnectTimeout => "no answer to connect",
        MxHopOutcome.Unreachable => "unreachable",
        MxHopOutcome.NoBanner => "connected but no banner",
        MxHopOutcome.BannerTempFailed => "greeting was a 4xx refusal",
        MxHopOutcome.BannerRejected => "greeting was a 5xx refusal",
        MxHopOutcome.EhloFailed => "EHLO failed",
        MxHopOutcome.TlsFailed => "STARTTLS failed",
        MxHopOutcome.RecipientRejected => "recipient refused",
        _ => "not tried",
    };

    private static string? NotTriedReason(int index, int walked, int selectedIndex, MxPathHop[] hops, MxPathOptions options)
    {
        if (index >= walked)
        {
            return F("not tried: only the first {0} addresses of a domain are walked", walked);
        }

        if (selectedIndex >= 0 && index > selectedIndex)
        {
            return F("not tried: a sender delivers through hop {0} ({1})", selectedIndex + 1, hops[selectedIndex].Exchange);
        }

        return options.AllHops ? null : "not tried";
    }

    private static MxPathHop ToHop(MxHopPlan plan, HopProbeResult? r, MxPathOptions options, string? notTried, HopTlsResult? tls) => new()
    {
        Order = plan.Order,
        Preference = plan.Target.Preference,
        Exchange = plan.Target.Exchange,
        CanonicalName = plan.Target.CanonicalName,
        Address = plan.Address.ToString(),
        Port = options.Port,
        AddressFamily = plan.Family,
        Outcome = r?.Outcome ?? MxHopOutcome.NotTried,
        ConnectMs = Round(r?.ConnectMs),
        BannerMs = Round(r?.BannerMs),
        EhloMs = Round(r?.EhloMs),
        StartTlsMs = Round(r?.StartTlsMs),
        RcptMs = Round(r?.RcptMs),
        Banner = r?.Banner,
        BannerMasked = r?.Findings.Any(f => f.Code == FindingCodes.BannerMasked) ?? false,
        StartTlsOffered = r?.StartTlsOffered,
        TlsEstablished = r?.TlsEstablished,
        TlsProtocol = r?.TlsProtocol,
        ReplyCode = r?.ReplyCode,
        ReplyText = r?.ReplyText,
        Detail = r is null ? notTried : r.Detail,
        ElapsedMs = Round(r?.ElapsedMs) ?? 0,
        Tls = tls,
    };

    private static MxPathRecord ToRecord(MxPathTarget target, MxAddressFamily family)
    {
        var addresses = target.IPv6Addresses.Concat(target.IPv4Addresses).Select(a => a.ToString()).ToArray();
        string? problem = null;
        if (target.IsAddressLiteral)
        {
            problem = "the MX target is an IP address, not a host name";
        }
        else if (addresses.Length == 0)
        {
            problem = AddressLookupProblem(target) ?? "no A or AAAA record";
        }
        else if (!MxHopPlanner.AddressesOf(target, family).Any())
        {
            problem = family == MxAddressFamily.IPv4 ? "no IPv4 address (only IPv6)" : "no IPv6 address (only IPv4)";
        }

        return new MxPathRecord
        {
            Preference = target.Preference,
            Exchange = target.Exchange,
            CanonicalName = target.CanonicalName,
            Addresses = addresses,
            Problem = problem,
        };
    }

    private static string? AddressLookupProblem(MxPathTarget target)
    {
        var errors = new[] { target.IPv4Error, target.IPv6Error }.Where(e => e is not null).Select(e => e!).ToList();
        if (errors.Count == 0)
        {
            return null;
        }

        return "address lookup failed: " + string.Join("; ", errors.Select(e => e.RecordType + " " + e.Kind));
    }

    private static void AddSourceFindings(MxPathAnalysisContext c, List<Finding> findings)
    {
        var r = c.Resolution;
        switch (r.Source)
        {
            case MxPathSource.NullMx:
                findings.Add(Finding.Warning(
                    FindingCodes.NullMx,
                    F("{0} publishes a null MX (\"MX 0 .\", RFC 7505): it declares that it accepts no mail, so senders bounce mail to it at once.", c.Domain),
                    "If the domain should receive mail, replace the null MX with MX records for its mail servers.",
                    Evidence(("DomainName", c.Domain))));
                break;

            case MxPathSource.NoMailDomain when r.Error is { Kind: MxDnsErrorKind.NameError } nx:
                findings.Add(MxPathFindings.DnsLookupFailed(nx, F("{0} does not exist, so mail to it bounces.", c.Domain), FindingSeverity.Error, c.Domain, c.Resolution.DnsServer));
                break;

            case MxPathSource.NoMailDomain:
                findings.Add(MxPathFindings.MxTargetHasNoAddress(c.Domain, null, "no data", "Any", string.Empty, FindingSeverity.Error));
                break;

            case MxPathSource.Unresolved:
                var error = r.Error ?? new MxDnsError { Name = c.Domain, RecordType = "MX", Kind = MxDnsErrorKind.Other, Message = "the lookup failed" };
                findings.Add(MxPathFindings.DnsLookupFailed(error, "A sender cannot tell where to deliver, so it queues the mail and retries until it expires (4.4.3 / 4.4.7).", FindingSeverity.Error, c.Domain, c.Resolution.DnsServer));
                break;

            case MxPathSource.ImplicitMx:
                findings.Add(Finding.Info(
                    FindingCodes.ImplicitMx,
                    F("{0} has no MX record; senders fall back to its own address records (implicit MX, RFC 5321 §5.1).", c.Domain),
                    "Publish an MX record: some senders and filters treat a domain without one as suspicious, and the fallback silently follows whatever the A record points at.",
                    Evidence(("DomainName", c.Domain), ("Addresses", string.Join(", ", c.Hops.Select(h => h.Address))))));
                break;
        }
    }

    private static void AddTargetFindings(MxPathAnalysisContext c, List<Finding> findings)
    {
        var targets = c.Resolution.Targets;
        var noHops = c.Hops.Length == 0;
        foreach (var t in targets.GroupBy(t => t.Exchange, StringComparer.OrdinalIgnoreCase).Select(g => g.First()))
        {
            if (t.CanonicalName is { } canonical && !string.Equals(canonical, t.Exchange, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(Finding.Warning(
                    FindingCodes.MxPointsToCname,
                    F("The MX target {0} is an alias (CNAME) for {1}; RFC 5321 §5.1 and RFC 2181 §10.3 require the MX to name the host itself. Most senders follow the alias; strict ones do not.", t.Exchange, canonical),
                    F("Point the MX record at {0} directly.", canonical),
                    Evidence(("Exchange", t.Exchange), ("CanonicalName", canonical), ("Preference", t.Preference))));
            }

            if (t.IsAddressLiteral)
            {
                findings.Add(Finding.Error(
                    FindingCodes.MxPointsToAddressLiteral,
                    F("The MX target {0} is an IP address, not a host name; a compliant sender looks it up as a name, finds nothing and skips it.", t.Exchange),
                    "Give the mail server a host name with A/AAAA records and put that name in the MX record.",
                    Evidence(("Exchange", t.Exchange), ("Preference", t.Preference))));
                continue;
            }

            var hasV4 = t.IPv4Addresses.Length > 0;
            var hasV6 = t.IPv6Addresses.Length > 0;
            var failed = new[] { t.IPv4Error, t.IPv6Error }
                .Where(e => e is not null && e.Kind != MxDnsErrorKind.NameError)
                .Select(e => e!)
                .ToList();
            foreach (var error in failed)
            {
                var other = error.RecordType == "AAAA" ? hasV4 : hasV6;
                findings.Add(MxPathFindings.DnsLookupFailed(
                    error,
                    other ? "Its other addresses still work." : "A sender cannot reach this MX host.",
                    other ? FindingSeverity.Warning : FindingSeverity.Error,
                    error.Name,
                    c.Resolution.DnsServer));
            }

            var severity = noHops ? FindingSeverity.Error : FindingSeverity.Warning;
            if (!hasV4 && !hasV6 && failed.Count == 0)
            {
                var nx = t.IPv4Error?.Kind == MxDnsErrorKind.NameError || t.IPv6Error?.Kind == MxDnsErrorKind.NameError;
                findings.Add(MxPathFindings.MxTargetHasNoAddress(t.Exchange, t.Preference, nx ? "NXDOMAIN" : "no data", "Any", string.Empty, severity));
            }
            else if ((hasV4 || hasV6) && !MxHopPlanner.AddressesOf(t, c.Options.AddressFamily).Any())
            {
                var want = c.Options.AddressFamily == MxAddressFamily.IPv4 ? "IPv4" : "IPv6";
                findings.Add(MxPathFindings.MxTargetHasNoAddress(t.Exchange, t.Preference, "no data", want, string.Join(", ", t.IPv6Addresses.Concat(t.IPv4Addresses).Select(a => a.ToString())), severity));
            }
        }

        var withAddresses = targets.Where(t => !t.IsAddressLiteral && (t.IPv4Addresses.Length > 0 || t.IPv6Addresses.Length > 0)).ToList();
        if (withAddresses.Count > 0 && withAddresses.All(t => t.IPv4Addresses.Length == 0))
        {
            findings.Add(Finding.Warning(
                FindingCodes.MxIpv6Only,
                F("Every MX host of {0} has only IPv6 addresses ({1}); senders without IPv6, still most of them, cannot deliver.", c.Domain, string.Join(", ", withAddresses.Select(t => t.Exchange))),
                "Give at least one MX host an IPv4 address (A record).",
                Evidence(("Exchanges", string.Join(", ", withAddresses.Select(t => t.Exchange))))));
        }
    }

    private static void AddHopFindings(MxPathAnalysisContext c, List<Finding> findings)
    {
        var tried = c.Hops.Where(h => h.Outcome != MxHopOutcome.NotTried).ToList();
        var failed = tried.Where(h => IsFailure(h.Outcome)).ToList();

        // The sessions' own findings, passed through; one host's silent addresses become one finding.
        foreach (var group in failed.Where(h => h.Outcome == MxHopOutcome.NoBanner && h.ConnectMs is not null).GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase))
        {
            var timedOut = group.Any(h => StageFindings(c, h, FindingCodes.NoBannerAfterConnect).Any());
            findings.Add(SmtpFindings.NoBannerAfterConnect(
                group.Key,
                group.Select(h => h.Address).ToArray(),
                c.Options.Port,
                c.Options.BannerTimeout,
                timedOut ? SmtpStageOutcome.Timeout : SmtpStageOutcome.Closed,
                c.Reachable ? FindingSeverity.Warning : FindingSeverity.Error));
        }

        foreach (var hop in tried)
        {
            findings.AddRange(StageFindings(c, hop, FindingCodes.BannerMasked));
        }

        // A failed STARTTLS only moves a sender on (or back to clear text): a warning for the domain.
        foreach (var hop in tried.Where(h => h.Outcome == MxHopOutcome.TlsFailed))
        {
            var passed = StageFindings(c, hop, FindingCodes.StartTlsFailed).ToList();
            findings.AddRange(passed.Count > 0
                ? passed.Select(f => f.WithSeverity(FindingSeverity.Warning))
                : new[] { SmtpFindings.StartTlsFailed(hop.Exchange, hop.Address, c.Options.Port, hop.Detail ?? hop.ReplyText ?? "no detail", FindingSeverity.Warning) });
        }

        foreach (var hop in tried.Where(h => h.Outcome == MxHopOutcome.RecipientRejected))
        {
            var permanent = hop.ReplyCode is >= 500 and < 600;
            var message = F("{0} [{1}] refused {2}: {3}{4}.", hop.Exchange, hop.Address, c.Options.Recipient ?? "the envelope", hop.ReplyCode is null ? string.Empty : hop.ReplyCode + " ", hop.ReplyText ?? hop.Detail ?? "no reply");
            var evidence = Evidence(("Exchange", hop.Exchange), ("Address", hop.Address), ("Recipient", c.Options.Recipient ?? string.Empty), ("ReplyCode", hop.ReplyCode ?? 0), ("ReplyText", hop.ReplyText ?? string.Empty));
            findings.Add(permanent
                ? Finding.Error(FindingCodes.RecipientRejected, message + " The refusal is permanent, so senders bounce the mail instead of trying another MX.", "Check that the recipient exists and that this server accepts mail for the domain (accepted domains, relay and recipient tables).", evidence)
                : Finding.Warning(FindingCodes.RecipientRejected, message + " The refusal is temporary (greylisting, a busy or misconfigured server).", "Look at the server's log for the reason, and retry after the greylisting delay.", evidence));
        }

        if (c.Reachable)
        {
            AddFailoverFindings(c, findings, tried);
        }
        else if (c.Selected is null && tried.Count > 0)
        {
            AddAllFailedFindings(c, findings, tried);
        }

        AddIpv6Findings(c, findings, tried);
    }

    private static void AddFailoverFindings(MxPathAnalysisContext c, List<Finding> findings, List<MxPathHop> tried)
    {
        var selected = c.Selected!;
        var before = tried.Where(h => h.Order < selected.Order).ToList();
        var downHosts = before
            .GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase)
            .Where(g => !string.Equals(g.Key, selected.Exchange, StringComparison.OrdinalIgnoreCase) && g.All(h => IsFailure(h.Outcome)))
            .ToList();
        if (downHosts.Count == 0)
        {
            return;
        }

        var described = string.Join("; ", downHosts.Select(g => F("{0} (preference {1}): {2}", g.Key, g.First().Preference, string.Join(", ", g.Select(h => Describe(h.Outcome)).Distinct()))));
        var samePreference = downHosts.All(g => g.First().Preference == selected.Preference);
        var message = samePreference
            ? F("Mail reaches {0} only after an equal-preference MX host failed: {1}.", selected.Exchange, described)
            : F("The preferred MX host fails and mail only gets in through the backup {0} (preference {1}): {2}.", selected.Exchange, selected.Preference, described);
        findings.Add(Finding.Warning(
            FindingCodes.PrimaryDownSecondaryUp,
            message,
            F("Repair {0}: senders that do not move on to the next MX, or give up after the first, delay or bounce the mail.", string.Join(", ", downHosts.Select(g => g.Key))),
            Evidence(
                ("FailedExchanges", string.Join(", ", downHosts.Select(g => g.Key))),
                ("FailedOutcomes", described),
                ("SelectedExchange", selected.Exchange),
                ("SelectedAddress", selected.Address),
                ("SelectedPreference", selected.Preference))));
    }

    private static void AddAllFailedFindings(MxPathAnalysisContext c, List<Finding> findings, List<MxPathHop> tried)
    {
        // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
        var counts = tried.GroupBy(h => h.Outcome).Select(g => F("{0} x{1}", g.Key, g.Count())).ToList();
        var blocked = LocalBlockEvidence(c, tried);
        if (blocked is not null)
        {
            findings.Add(SmtpFindings.LocalPort25Blocked(
                c.Options.Port,
                tried.Select(h => h.Address).ToArray(),
                SmtpStageOutcome.Timeout.ToString(),
                blocked.Address,
                blocked.Port,
                blocked.Outcome.ToString(),
                FindingSeverity.Error));
        }

        var kinds = tried.Select(h => h.Outcome).Distinct().ToList();
        string recommendation;
        if (blocked is not null)
        {
            recommendation = "Clear the port block first; the MX hosts themselves may be fine.";
        }
        else if (kinds.All(k => k == MxHopOutcome.ConnectTimeout))
        {
            recommendation = F("Nothing answers on port {0}: check the firewalls between here and the MX hosts, and run the test from the sending server (Test-NetConnection <address> -Port {0}).", c.Options.Port);
        }
        else if (kinds.All(k => k == MxHopOutcome.ConnectRefused))
        {
            recommendation = F("Every MX host refuses port {0}: the mail service is down or listens elsewhere.", c.Options.Port);
        }
        else if (kinds.All(k => k == MxHopOutcome.NoBanner))
        {
            recommendation = "Every MX host accepts TCP but never greets: check the SMTP service and anything that terminates TCP in front of it (load balancer, firewall proxy).";
        }
        else if (kinds.All(k => k == MxHopOutcome.Unreachable))
        {
            recommendation = "There is no route to the MX hosts: check routing and the addresses published in DNS.";
        }
        else
        {
            var first = tried[0];
            recommendation = F("Start with the first MX host, {0} [{1}]: {2}.", first.Exchange, first.Address, first.Detail ?? Describe(first.Outcome));
        }

        // Stryker disable once Linq : Stryker would rewrite Count as Sum, which does not compile here and drops every mutant of the method
        findings.Add(Finding.Error(
            FindingCodes.AllHopsFailed,
            F("No MX address of {0} accepted a session: {1} tried ({2}). Senders queue the mail and retry until it expires.", c.Domain, tried.Count, string.Join(", ", counts)),
            recommendation,
            Evidence(("Tried", tried.Count), ("Outcomes", string.Join(", ", counts)))));
    }

    private static PortControlCheck? LocalBlockEvidence(MxPathAnalysisContext c, List<MxPathHop> tried)
    {
        if (tried.Count == 0 || tried.Any(h => h.Outcome != MxHopOutcome.ConnectTimeout))
        {
            return null;
        }

        return c.ControlChecks.FirstOrDefault(k => k.HostAnswered);
    }

    private static void AddIpv6Findings(MxPathAnalysisContext c, List<Finding> findings, List<MxPathHop> tried)
    {
        // (a) The same host works over IPv4 and fails over IPv6.
        var broken = tried
            .GroupBy(h => h.Exchange, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Any(h => h.AddressFamily == MxAddressFamily.IPv6 && IsTransportFailure(h.Outcome))
                        && g.Any(h => h.AddressFamily == MxAddressFamily.IPv4 && h.Outcome == MxHopOutcome.Ok))
            .Select(g => g.Key)
            .ToList();

        // (b) No IPv6 hop gets anywhere (no route), while IPv4 works.
        var v6 = tried.Where(h => h.AddressFamily == MxAddressFamily.IPv6).ToList();
        var noRoute = v6.Count > 0 && v6.All(h => h.Outcome == MxHopOutcome.Unreachable)
                      && tried.Any(h => h.AddressFamily == MxAddressFamily.IPv4 && h.Outcome == MxHopOutcome.Ok);
        if (broken.Count == 0 && !noRoute)
        {
            return;
        }

        var failedV6 = v6.Where(h => IsTransportFailure(h.Outcome)).ToList();
        var message = broken.Count > 0
            ? F("IPv6 to {0} fails ({1}) where IPv4 to the same host works: IPv6-preferring senders lose time on every message, and IPv6-only senders cannot deliver.", string.Join(", ", broken), string.Join(", ", failedV6.Where(h => broken.Contains(h.Exchange, StringComparer.OrdinalIgnoreCase)).Select(h => h.Address + " " + Describe(h.Outcome))))
            : F("No IPv6 address of {0}'s MX hosts is reachable from here (no route), while IPv4 works.", c.Domain);
        findings.Add(Finding.Warning(
            FindingCodes.Ipv6PathBroken,
            message,
            broken.Count > 0
                ? F("Fix IPv6 routing or filtering towards {0} (Find-MtuBlackHole and Test-NetConnection on the IPv6 address), or withdraw its AAAA record until it works.", string.Join(", ", broken))
                : "Check this network's IPv6 connectivity (default route, firewall); until it works, test with -AddressFamily IPv4.",
            Evidence(
                ("Exchanges", string.Join(", ", broken.Count > 0 ? broken : v6.Select(h => h.Exchange).Distinct().ToList())),
                ("FailedIPv6", string.Join(", ", failedV6.Select(h => h.Address + " " + h.Outcome))),
                ("WorkingIPv4", string.Join(", ", tried.Where(h => h.AddressFamily == MxAddressFamily.IPv4 && h.Outcome == MxHopOutcome.Ok).Select(h => h.Address))))));
    }

    private static string Summarize(MxPathAnalysisContext c, List<Finding> findings)
    {
        var r = c.Resolution;
        switch (r.Source)
        {
            case MxPathSource.NullMx:
                return F("{0} publishes a null MX: it accepts no mail.", c.Domain);
            case MxPathSource.NoMailDomain when r.Error is { Kind: MxDnsErrorKind.NameError }:
                return F("{0} does not exist in DNS (NXDOMAIN), so mail to it bounces.", c.Domain);
            case MxPathSource.NoMailDomain:
                return F("{0} has neither MX nor address records, so mail to it bounces.", c.Domain);
            case MxPathSource.Unresolved:
                return F("The MX lookup for {0} failed ({1}), so senders cannot tell where to deliver and queue the mail.", c.Domain, r.Error is null ? "no answer" : MxPathFindings.DescribeDnsError(r.Error));
        }

        if (c.Hops.Length == 0)
        {
            var family = c.Options.AddressFamily == MxAddressFamily.Any ? string.Empty : c.Options.AddressFamily + " ";
            return F("No MX host of {0} has a usable {1}address, so mail to it cannot be delivered.", c.Domain, family);
        }

        var selected = c.Selected;
        if (selected is not null && selected.Outcome == MxHopOutcome.RecipientRejected)
        {
            return F("{0} [{1}] permanently refuses {2} ({3} {4}), so mail to it bounces.", selected.Exchange, selected.Address, c.Options.Recipient ?? "the recipient", selected.ReplyCode, selected.ReplyText);
        }

        if (selected is not null)
        {
            var failedBefore = c.Hops.Where(h => h.Order < selected.Order && IsFailure(h.Outcome)).ToList();
            var via = F("{0} [{1}] (preference {2})", selected.Exchange, selected.Address, selected.Preference);
            if (failedBefore.Count == 0)
            {
                return F("Mail for {0} gets in at the first hop, {1}.", c.Domain, via);
            }

            var firstFailure = failedBefore[0];
            return F(
                "Mail for {0} gets in through {1} after {2} failed hop{3} (first: {4} [{5}], {6}).",
                c.Domain, via, failedBefore.Count, failedBefore.Count == 1 ? string.Empty : "s", firstFailure.Exchange, firstFailure.Address, Describe(firstFailure.Outcome));
        }

        var tried = c.Hops.Where(h => h.Outcome != MxHopOutcome.NotTried).ToList();
        if (findings.Any(f => f.Code == FindingCodes.LocalPort25Blocked))
        {
            return F("Every MX address of {0} timed out on port {1} while another port answered: outbound port {1} looks blocked from here.", c.Domain, c.Options.Port);
        }

        var outcomes = string.Join(", ", tried.Select(h => Describe(h.Outcome)).Distinct());
        return F("None of the {0} MX address{1} of {2} accepted a session ({3}), so senders queue the mail until it expires.", tried.Count, tried.Count == 1 ? string.Empty : "es", c.Domain, outcomes);
    }

    private static IEnumerable<Finding> StageFindings(MxPathAnalysisContext c, MxPathHop hop, string code) =>
        c.HopFindings[Array.IndexOf(c.Hops, hop)].Where(f => f.Code == code);

    internal static bool IsFailure(MxHopOutcome outcome) => outcome is not (MxHopOutcome.Ok or MxHopOutcome.NotTried);

    /// <summary>Failures that say the path (not the SMTP service) is the problem.</summary>
    private static bool IsTransportFailure(MxHopOutcome outcome) =>
        outcome is MxHopOutcome.ConnectTimeout or MxHopOutcome.Unreachable or MxHopOutcome.NoBanner or MxHopOutcome.ConnectRefused or MxHopOutcome.EhloFailed or MxHopOutcome.TlsFailed;

    private static IReadOnlyDictionary<string, object> Evidence(params (string Key, object Value)[] items)
    {
        var evidence = new Dictionary<string, object>();
        foreach (var (key, value) in items)
        {
            evidence[key] = value;
        }

        return evidence;
    }

    private static double? Round(double? value) => value is { } v ? Round(v) : null;

    private static double Round(double value) => Math.Round(value, 2);

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
