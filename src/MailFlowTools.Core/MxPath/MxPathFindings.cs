using System;
using System.Collections.Generic;
using System.Globalization;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.MxPath;

/// <summary>The one definition of each DNS-side finding of the MX walk: wording, evidence keys and advice.</summary>
internal static class MxPathFindings
{
    /// <param name="consequence">What the failure means for a sender, one sentence.</param>
    /// <param name="name">The name the advice is about (the domain, or the MX host).</param>
    public static Finding DnsLookupFailed(MxDnsError error, string consequence, FindingSeverity severity, string name, string? dnsServer) => new(
        FindingCodes.DnsLookupFailed,
        severity,
        F("The {0} lookup for {1} failed: {2}{3}. {4}", error.RecordType, error.Name, DescribeDnsError(error), error.Server is null ? string.Empty : " (from " + error.Server + ")", consequence),
        DnsRecommendation(error, name, dnsServer),
        DnsEvidence(error));

    /// <summary>
    /// An MX host (or, with no <paramref name="preference"/>, the domain itself with neither MX nor address records)
    /// that senders cannot use: no address at all (<paramref name="family"/> "Any"), or none of the tested family.
    /// </summary>
    public static Finding MxTargetHasNoAddress(string name, int? preference, string lookup, string family, string addresses, FindingSeverity severity)
    {
        var subject = preference is { } p ? F("The MX host {0} (preference {1})", name, p) : F("{0} has no MX record, and the domain", name);
        var problem = family != "Any" ? F("has no {0} address", family) : lookup == "NXDOMAIN" ? "does not exist (NXDOMAIN)" : "has no A or AAAA record";
        var who = family != "Any" ? family + "-only senders" : "senders";
        var fix = preference is null
            ? "Publish MX records for the domain's mail servers (or a null MX, \"MX 0 .\", if it should receive no mail)."
            : family != "Any"
                ? F("Publish {0} for {1} if {2}-only senders must reach it, or test with -AddressFamily Any.", family == "IPv4" ? "an A record" : "an AAAA record", name, family)
                : F("Add A/AAAA records for {0}, or remove the MX record that names it.", name);
        return new Finding(
            FindingCodes.MxTargetHasNoAddress,
            severity,
            F("{0} {1}, so {2} skip it.", subject, problem, who),
            fix,
            new Dictionary<string, object>
            {
                ["Exchange"] = name,
                ["Preference"] = preference ?? -1,
                ["Lookup"] = lookup,
                ["AddressFamily"] = family,
                ["Addresses"] = addresses,
            });
    }

    internal static string DescribeDnsError(MxDnsError error)
    {
        var kind = error.Kind switch
        {
            MxDnsErrorKind.NameError => "NXDOMAIN",
            MxDnsErrorKind.ServerFailure => "SERVFAIL",
            MxDnsErrorKind.Refused => "REFUSED",
            MxDnsErrorKind.Timeout => "timed out",
            MxDnsErrorKind.Truncated => "answer truncated and the TCP retry failed",
            MxDnsErrorKind.NetworkError => "network error",
            _ => "failed",
        };
        return string.IsNullOrEmpty(error.Message) || string.Equals(error.Message, kind, StringComparison.OrdinalIgnoreCase)
            ? kind
            : kind + ", " + error.Message;
    }

    private static string DnsRecommendation(MxDnsError error, string name, string? dnsServer)
    {
        var server = string.IsNullOrEmpty(dnsServer) || dnsServer == "system" ? string.Empty : " -DnsServer " + dnsServer;
        var large = error.ResponseBytes is > 1232;
        return error.Kind switch
        {
            MxDnsErrorKind.Timeout or MxDnsErrorKind.Truncated => F("Run Test-EdnsReachability -DomainName {0}{1}: a lookup that times out is how lost UDP fragments (large DNSSEC answers) and blocked TCP/53 show.", name, server),
            _ when large => F("Run Test-EdnsReachability -DomainName {0}{1}: the answer is {2} bytes, too large for many paths over UDP.", name, server, error.ResponseBytes),
            MxDnsErrorKind.ServerFailure => F("Check the domain's name servers and DNSSEC chain (Test-EdnsReachability -DomainName {0}); SERVFAIL from a validating resolver usually means a validation failure or unreachable authoritative servers.", name),
            MxDnsErrorKind.Refused => "The resolver refuses this client: use one that serves it (-DnsServer).",
            MxDnsErrorKind.NetworkError => "The DNS server could not be reached: check -DnsServer, the resolver settings (Get-DnsClientServerAddress) and UDP/TCP 53 to it.",
            MxDnsErrorKind.NameError => "Check the spelling, and that the name is registered and delegated.",
            _ => F("Repeat the lookup against another resolver (-DnsServer) and the domain's own name servers to see which side fails ({0}).", error.Message),
        };
    }

    private static IReadOnlyDictionary<string, object> DnsEvidence(MxDnsError error)
    {
        var evidence = new Dictionary<string, object>
        {
            ["Name"] = error.Name,
            ["RecordType"] = error.RecordType,
            ["Error"] = error.Kind.ToString(),
            ["Message"] = error.Message,
            ["ElapsedMs"] = Math.Round(error.ElapsedMs, 2),
        };
        if (error.Server is not null)
        {
            evidence["Server"] = error.Server;
        }

        if (error.ResponseBytes is { } bytes)
        {
            evidence["ResponseBytes"] = bytes;
        }

        return evidence;
    }

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
