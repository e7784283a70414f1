using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// MTA-STS, DANE and STARTTLS stripping end to end (tests/lab/lab-tls.sh): the built mailflow CLI in the client
/// namespace against the lab's policy server, TLS front ends, ASA-style box and signed lab.test. Each case checks
/// the three sender verdicts, the hop's RFC 8460 result type and the finding, and Debug-MailFlow's cause.
/// Nothing is delivered: Postfix's count must not move.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class TlsPolicyLabTests
{
    private const string Resolver = "198.51.100.56";
    private const string LossyResolver = "198.51.100.67";
    private const string CaFile = "/run/mfl/tls/ca.pem";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly LabFixture lab;

    public TlsPolicyLabTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    [LabFact]
    public void Enforced_policy_and_matching_TLSA_every_sender_delivers_through_the_first_hop()
    {
        var before = lab.Delivered();
        var r = Single("sts.lab.test", "--trusted-root-certificate-path", CaFile);

        var tls = r.GetProperty("TlsPolicy");
        Assert.Equal("Valid", tls.GetProperty("MtaSts").GetProperty("Status").GetString());
        Assert.Equal("Enforce", tls.GetProperty("MtaSts").GetProperty("Mode").GetString());
        Assert.Equal("20261206a", tls.GetProperty("MtaSts").GetProperty("RecordId").GetString());
        var dane = Assert.Single(tls.GetProperty("Dane").EnumerateArray());
        Assert.Equal("Secure", dane.GetProperty("Status").GetString());
        Assert.True(dane.GetProperty("Authenticated").GetBoolean());
        Assert.Equal(Resolver, dane.GetProperty("Resolver").GetString());
        foreach (var sender in new[] { "MtaStsSender", "DaneSender", "PlainSender" })
        {
            Assert.True(tls.GetProperty(sender).GetProperty("Delivers").GetBoolean(), sender);
            Assert.Equal("mx-sts.lab.test", tls.GetProperty(sender).GetProperty("Exchange").GetString());
        }

        var hop = r.GetProperty("SelectedHop").GetProperty("Tls");
        Assert.Equal("Success", hop.GetProperty("ResultType").GetString());
        Assert.StartsWith("Matched 3 1 1", hop.GetProperty("Dane").GetString());
        Assert.DoesNotContain(Codes(r), c => c is "MtaStsCertificateInvalid" or "DaneTlsaMismatch" or "StartTlsStripped");
        Assert.Equal(before, lab.Delivered());
    }

    [LabFact]
    public void Without_the_lab_root_the_policy_host_certificate_is_not_trusted()
    {
        var r = Single("sts.lab.test");

        var sts = r.GetProperty("TlsPolicy").GetProperty("MtaSts");
        Assert.Equal("PolicyCertificateInvalid", sts.GetProperty("Status").GetString());
        Assert.Equal("StsWebPkiInvalid", sts.GetProperty("ResultType").GetString());
        Assert.Equal("PolicyCertificateInvalid", Finding(r, "MtaStsPolicyUnavailable").GetProperty("Evidence").GetProperty("Status").GetString());
        Assert.Contains("mta-sts.sts.lab.test", sts.GetProperty("Problem").GetString());
    }

    [LabFact]
    public void Masked_STARTTLS_is_stripped_and_an_MTA_STS_sender_does_not_deliver()
    {
        var r = Single("stripped.lab.test", "--trusted-root-certificate-path", CaFile);

        var f = Finding(r, "StartTlsStripped");
        Assert.Equal("Error", f.GetProperty("Severity").GetString());
        Assert.Equal("250-XXXXXXXA", f.GetProperty("Evidence").GetProperty("MaskedLine").GetString());
        var hop = r.GetProperty("SelectedHop");
        Assert.False(hop.GetProperty("StartTlsOffered").GetBoolean());
        Assert.True(hop.GetProperty("Tls").GetProperty("StartTlsMasked").GetBoolean());
        Assert.Equal("StartTlsNotSupported", hop.GetProperty("Tls").GetProperty("ResultType").GetString());
        var tls = r.GetProperty("TlsPolicy");
        Assert.False(tls.GetProperty("MtaStsSender").GetProperty("Delivers").GetBoolean());
        Assert.Contains("TLS is required, but was not offered", tls.GetProperty("MtaStsSender").GetProperty("SenderStatus").GetString());
        Assert.True(tls.GetProperty("PlainSender").GetProperty("Delivers").GetBoolean());
    }

    [LabFact]
    public void A_server_that_never_offered_STARTTLS_is_not_called_stripped()
    {
        // OpenSMTPD (.37) offers no STARTTLS at all; no line of its EHLO reply is masked.
        var r = Single("smtpd.mta.test", "--dns-server", "198.51.100.57");

        var hop = r.GetProperty("SelectedHop");
        Assert.False(hop.GetProperty("StartTlsOffered").GetBoolean());
        Assert.False(hop.GetProperty("Tls").GetProperty("StartTlsMasked").GetBoolean());
        Assert.Equal("StartTlsNotSupported", hop.GetProperty("Tls").GetProperty("ResultType").GetString());
        Assert.DoesNotContain("StartTlsStripped", Codes(r));
    }

    [LabFact]
    public void Enforce_policy_that_leaves_out_the_backup_leaves_an_MTA_STS_sender_without_a_way_in()
    {
        var r = Single("sts-backup.lab.test", "--trusted-root-certificate-path", CaFile);

        var f = Finding(r, "MtaStsPolicyExcludesMx");
        Assert.Equal("Error", f.GetProperty("Severity").GetString());
        Assert.Equal("mx-sts-backup.lab.test", f.GetProperty("Evidence").GetProperty("Excluded").GetString());
        var tls = r.GetProperty("TlsPolicy");
        Assert.False(tls.GetProperty("MtaStsSender").GetProperty("Delivers").GetBoolean());
        Assert.Equal("mx-sts-backup.lab.test", tls.GetProperty("PlainSender").GetProperty("Exchange").GetString());
        var backup = Hops(r).Single(h => h.GetProperty("Exchange").GetString() == "mx-sts-backup.lab.test");
        Assert.False(backup.GetProperty("Tls").GetProperty("MtaStsAccepts").GetBoolean());
        Assert.Equal("ValidationFailure", backup.GetProperty("Tls").GetProperty("ResultType").GetString());
    }

    [LabFact]
    public void Policy_host_down_is_unavailable_and_senders_deliver_without_a_policy()
    {
        var r = Single("sts-down.lab.test", "--trusted-root-certificate-path", CaFile);

        var sts = r.GetProperty("TlsPolicy").GetProperty("MtaSts");
        Assert.Equal("FetchFailed", sts.GetProperty("Status").GetString());
        Assert.Equal("StsPolicyFetchError", sts.GetProperty("ResultType").GetString());
        Assert.Equal("Warning", Finding(r, "MtaStsPolicyUnavailable").GetProperty("Severity").GetString());
        Assert.True(r.GetProperty("TlsPolicy").GetProperty("MtaStsSender").GetProperty("Delivers").GetBoolean());
    }

    [LabFact]
    public void An_MX_certificate_from_no_trusted_CA_fails_MTA_STS()
    {
        var r = Single("sts-badcert.lab.test", "--trusted-root-certificate-path", CaFile);

        Assert.Equal("Error", Finding(r, "MtaStsCertificateInvalid").GetProperty("Severity").GetString());
        Assert.Equal("CertificateNotTrusted", r.GetProperty("SelectedHop").GetProperty("Tls").GetProperty("ResultType").GetString());
        Assert.False(r.GetProperty("TlsPolicy").GetProperty("MtaStsSender").GetProperty("Delivers").GetBoolean());
        Assert.True(r.GetProperty("TlsPolicy").GetProperty("DaneSender").GetProperty("Delivers").GetBoolean());
    }

    [LabFact]
    public void Wrong_TLSA_makes_a_DANE_sender_use_the_second_MX()
    {
        var r = Single("dane-bad.lab.test", "--trusted-root-certificate-path", CaFile);

        var f = Finding(r, "DaneTlsaMismatch");
        Assert.Equal("_25._tcp.mx-dane-bad.lab.test", f.GetProperty("Evidence").GetProperty("TlsaName").GetString());
        var tls = r.GetProperty("TlsPolicy");
        Assert.Equal("mx-sts.lab.test", tls.GetProperty("DaneSender").GetProperty("Exchange").GetString());
        Assert.Equal("mx-dane-bad.lab.test", tls.GetProperty("PlainSender").GetProperty("Exchange").GetString());
        var bad = Hops(r).First(h => h.GetProperty("Exchange").GetString() == "mx-dane-bad.lab.test");
        Assert.Equal("TlsaInvalid", bad.GetProperty("Tls").GetProperty("ResultType").GetString());
    }

    [LabFact]
    public void Bogus_TLSA_chain_is_DnssecBogus_and_a_DANE_sender_does_not_deliver()
    {
        var r = Single("dane-bogus.lab.test");

        Assert.Equal("Error", Finding(r, "DnssecBogus").GetProperty("Severity").GetString());
        Assert.Equal("Bogus", r.GetProperty("TlsPolicy").GetProperty("Dane")[0].GetProperty("Status").GetString());
        Assert.Equal("DnssecInvalid", r.GetProperty("SelectedHop").GetProperty("Tls").GetProperty("ResultType").GetString());
        Assert.False(r.GetProperty("TlsPolicy").GetProperty("DaneSender").GetProperty("Delivers").GetBoolean());
        Assert.True(r.GetProperty("TlsPolicy").GetProperty("PlainSender").GetProperty("Delivers").GetBoolean());
    }

    [LabFact]
    public void A_large_TLSA_answer_lost_over_UDP_is_TlsaLookupLost_with_the_EDNS_evidence()
    {
        var r = Single("tlsa-lost.lab.test", "--dns-server", LossyResolver);

        var f = Finding(r, "TlsaLookupLost");
        var evidence = f.GetProperty("Evidence");
        Assert.Equal(LossyResolver, evidence.GetProperty("Resolver").GetString());
        Assert.True(evidence.GetProperty("AuthoritativeTcpBytes").GetInt32() > 1232);
        Assert.Contains("ns2.lab.test [198.51.100.54]: UDP lost", evidence.GetProperty("EdnsEvidence").GetString());
        Assert.Contains("Test-EdnsReachability -DomainName _25._tcp.mx-tlsa-big.lab.test", f.GetProperty("Recommendation").GetString());
        Assert.False(r.GetProperty("TlsPolicy").GetProperty("DaneSender").GetProperty("Delivers").GetBoolean());
    }

    [LabTheory]
    [InlineData("sts-huge.lab.test", "FetchFailed", "-byte limit")]
    [InlineData("sts-redirect.lab.test", "FetchFailed", "redirect")]
    [InlineData("sts-malformed.lab.test", "PolicyInvalid", "does not parse")]
    [InlineData("sts-conflict.lab.test", "RecordConflicting", "2 TXT records")]
    public void Hostile_policy_sources_give_a_typed_finding(string domain, string status, string problem)
    {
        var r = Single(domain, "--trusted-root-certificate-path", CaFile);

        var sts = r.GetProperty("TlsPolicy").GetProperty("MtaSts");
        Assert.Equal(status, sts.GetProperty("Status").GetString());
        Assert.Contains(problem, sts.GetProperty("Problem").GetString());
        Finding(r, "MtaStsPolicyUnavailable");
        Assert.True(r.GetProperty("TlsPolicy").GetProperty("MtaStsSender").GetProperty("Delivers").GetBoolean());
    }

    [LabFact]
    public void A_slow_policy_body_is_cut_off_at_the_timeout()
    {
        const double TimeoutSeconds = 2;
        var r = Single("sts-slow.lab.test", "--trusted-root-certificate-path", CaFile, "--connect-timeout-seconds", TimeoutSeconds.ToString(CultureInfo.InvariantCulture));

        var sts = r.GetProperty("TlsPolicy").GetProperty("MtaSts");
        Assert.Equal("FetchFailed", sts.GetProperty("Status").GetString());
        Assert.Contains("no complete answer within 2 s", sts.GetProperty("Problem").GetString());

        // The 67-byte body at 16 bytes/s takes about 4 s whole, so ending under 2.75 s shows the 2 s timeout ended it. The
        // slack is the _mta-sts TXT lookup and a late timer on a loaded 2-core machine; 10 ms below for a coarse clock.
        Assert.InRange(sts.GetProperty("ElapsedMs").GetDouble(), (TimeoutSeconds * 1000) - 10, (TimeoutSeconds * 1000 * 1.25) + 250);
    }

    [LabFact]
    public void TLSA_records_with_unknown_usages_are_unusable_not_a_crash()
    {
        var r = Single("dane-unusable.lab.test");

        Assert.Equal(0, r.GetProperty("TlsPolicy").GetProperty("Dane")[0].GetProperty("UsableRecords").GetInt32());
        Assert.Equal("Warning", Finding(r, "TlsaRecordsUnusable").GetProperty("Severity").GetString());
        Assert.True(r.GetProperty("TlsPolicy").GetProperty("DaneSender").GetProperty("Delivers").GetBoolean());
    }

    [LabFact]
    public void The_TLS_report_is_RFC_8460_JSON_for_every_tested_domain()
    {
        var path = Path.Combine(Path.GetTempPath(), "mfl-tlsrpt-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var (_, results, output) = Run(new[] { "sts.lab.test", "stripped.lab.test", "sts-down.lab.test" }, "--trusted-root-certificate-path", CaFile, "--tls-report-path", path);
            Assert.Equal(3, results.Count);
            using var report = JsonDocument.Parse(File.ReadAllText(path));
            var root = report.RootElement;
            Assert.True(root.TryGetProperty("date-range", out _), output);
            var policies = root.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("policy").GetProperty("policy-domain").GetString()!);
            Assert.Equal(new[] { "stripped.lab.test", "sts-down.lab.test", "sts.lab.test" }, policies.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal("sts", policies["sts.lab.test"].GetProperty("policy").GetProperty("policy-type").GetString());
            Assert.Equal(0, policies["sts.lab.test"].GetProperty("summary").GetProperty("total-failure-session-count").GetInt32());
            var stripped = policies["stripped.lab.test"].GetProperty("failure-details")[0];
            Assert.Equal("starttls-not-supported", stripped.GetProperty("result-type").GetString());
            Assert.Equal("198.51.100.63", stripped.GetProperty("receiving-ip").GetString());
            Assert.Equal("sts-policy-fetch-error", policies["sts-down.lab.test"].GetProperty("failure-details")[0].GetProperty("result-type").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [LabTheory]
    [InlineData("stripped.lab.test", "StartTlsStripped", "Path", Resolver)]
    [InlineData("sts-backup.lab.test", "MtaStsPolicyExcludesMx", "RemoteHost", Resolver)]
    [InlineData("sts-down.lab.test", "MtaStsPolicyUnavailable", "RemoteHost", Resolver)]
    [InlineData("sts-badcert.lab.test", "MtaStsCertificateInvalid", "RemoteHost", Resolver)]
    [InlineData("dane-bad.lab.test", "DaneTlsaMismatch", "RemoteHost", Resolver)]
    [InlineData("dane-bogus.lab.test", "DnssecBogus", "RemoteHost", Resolver)]
    [InlineData("tlsa-lost.lab.test", "TlsaLookupLost", "Path", LossyResolver)]
    public void Debug_MailFlow_names_the_TLS_policy_cause(string domain, string cause, string location, string resolver)
    {
        var before = lab.Delivered();
        var command = TestPaths.CliCommand.Concat(new[] { "Debug-MailFlow", domain, "--quick", "--dns-server", resolver, "--trusted-root-certificate-path", CaFile, "--json" }).ToArray();
        var p = lab.InClient(command, Limit);
        var output = string.Join(" ", command) + "\nexit " + p.ExitCode + "\n" + p.StandardOutput + p.StandardError;
        var d = Parse(p.StandardOutput).Single();

        Assert.True(cause == d.GetProperty("Cause").GetString(), output);
        Assert.Equal(location, d.GetProperty("Location").GetString());
        Assert.Equal(before, lab.Delivered());
    }

    private JsonElement Single(string domain, params string[] args)
    {
        var all = new List<string> { "--address-family", "IPv4" };
        all.AddRange(args);
        if (!all.Contains("--dns-server"))
        {
            all.AddRange(new[] { "--dns-server", Resolver });
        }

        var (_, results, output) = Run(new[] { domain }, all.ToArray());
        Assert.True(results.Count == 1, output);
        return results[0];
    }

    private (int Exit, List<JsonElement> Results, string Output) Run(string[] domains, params string[] args)
    {
        var command = new List<string>(TestPaths.CliCommand) { "Test-MxPath" };
        command.AddRange(domains);
        command.AddRange(args);
        command.Add("--json");
        var r = lab.InClient(command, Limit);
        var output = string.Join(" ", command) + "\nexit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.True(r.ExitCode is 0 or 1, output);
        return (r.ExitCode, Parse(r.StandardOutput), output);
    }

    private static List<JsonElement> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList()
            : new List<JsonElement> { document.RootElement.Clone() };
    }

    private static IEnumerable<JsonElement> Hops(JsonElement result) => result.GetProperty("Hops").EnumerateArray();

    private static IEnumerable<string?> Codes(JsonElement result) => result.GetProperty("Findings").EnumerateArray().Select(f => f.GetProperty("Code").GetString());

    private static JsonElement Finding(JsonElement result, string code)
    {
        var found = result.GetProperty("Findings").EnumerateArray().Where(f => f.GetProperty("Code").GetString() == code).ToList();
        Assert.True(found.Count > 0, code + " missing; findings: " + string.Join(", ", Codes(result)));
        return found[0];
    }
}
