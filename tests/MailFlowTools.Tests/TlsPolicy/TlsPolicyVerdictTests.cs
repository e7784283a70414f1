using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>Per-hop TLS verdicts, the three sender verdicts, the findings and the RFC 8460 report, on made-up walks.</summary>
public sealed class TlsPolicyVerdictTests
{
    private static readonly Lazy<(byte[] Ca, byte[] Leaf)> Certs = new(() =>
    {
        using var ca = TestCertificates.Ca();
        using var leaf = TestCertificates.Leaf(ca, null, "mx1.example.test", "mx2.example.test");
        return (ca.RawData, leaf.RawData);
    });

    private static byte[][] Roots => new[] { Certs.Value.Ca };

    [Fact]
    public void Masked_STARTTLS_under_enforce_is_stripped_refused_and_an_error()
    {
        var d = Discovery(Policy(MtaStsMode.Enforce, "mx1.example.test"));
        var probe = Probe(startTls: false, keywords: new[] { "PIPELINING", "XXXXXXXA", "8BITMIME" });

        var tls = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", probe, d, Roots, DateTimeOffset.UtcNow)!;

        Assert.True(tls.StartTlsMasked);
        Assert.Equal("XXXXXXXA", tls.MaskedKeyword);
        Assert.Equal(TlsResultType.StartTlsNotSupported, tls.ResultType);
        Assert.Equal("starttls-not-supported", tls.ResultTypeName);
        Assert.False(tls.MtaStsAccepts);
        Assert.Contains("TLS is required, but was not offered by host mx1.example.test[192.0.2.25]", tls.SenderStatus);

        var hops = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, tls, startTls: false) };
        var sts = SenderVerdicts.MtaSts(hops, hops[0], d);
        Assert.False(sts.Delivers);
        Assert.True(SenderVerdicts.Plain(hops, hops[0]).Delivers);
        var f = Assert.Single(TlsPolicyFindings.Build("example.test", d, hops, new[] { "mx1.example.test" }, sts, SenderVerdicts.Dane(hops, hops[0], d)));
        Assert.Equal(FindingCodes.StartTlsStripped, f.Code);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("250-XXXXXXXA", f.Evidence["MaskedLine"]);
    }

    [Fact]
    public void A_server_that_never_offered_STARTTLS_is_not_stripped()
    {
        var d = Discovery(Policy(MtaStsMode.Enforce, "mx1.example.test"));
        var tls = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", Probe(startTls: false, keywords: new[] { "PIPELINING", "8BITMIME" }), d, Roots, DateTimeOffset.UtcNow)!;

        Assert.False(tls.StartTlsMasked);
        Assert.Equal(TlsResultType.StartTlsNotSupported, tls.ResultType);
        var hops = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, tls, startTls: false) };
        var codes = TlsPolicyFindings.Build("example.test", d, hops, new[] { "mx1.example.test" }, SenderVerdicts.MtaSts(hops, hops[0], d), SenderVerdicts.Dane(hops, hops[0], d)).Select(f => f.Code).ToList();
        Assert.Equal(new[] { FindingCodes.StartTlsNotOffered }, codes);
    }

    [Fact]
    public void A_backup_the_policy_leaves_out_is_never_used_by_an_enforcing_sender()
    {
        var d = Discovery(Policy(MtaStsMode.Enforce, "mx1.example.test"));
        var now = DateTimeOffset.UtcNow;
        var primary = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", null, d, Roots, now);
        var backup = TlsHopEvaluator.Evaluate("mx2.example.test", "192.0.2.26", Probe(), d, Roots, now)!;
        Assert.Null(primary);
        Assert.False(backup.MtaStsAccepts);
        Assert.Equal(TlsResultType.ValidationFailure, backup.ResultType);

        var hops = new[]
        {
            Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.ConnectRefused, null),
            Hop(2, "mx2.example.test", "192.0.2.26", MxHopOutcome.Ok, backup),
        };
        var sts = SenderVerdicts.MtaSts(hops, hops[1], d);
        var plain = SenderVerdicts.Plain(hops, hops[1]);
        Assert.False(sts.Delivers);
        Assert.True(plain.Delivers);
        Assert.Equal("mx2.example.test", plain.Exchange);
        var f = TlsPolicyFindings.Build("example.test", d, hops, new[] { "mx1.example.test", "mx2.example.test" }, sts, SenderVerdicts.Dane(hops, hops[1], d)).Single(x => x.Code == FindingCodes.MtaStsPolicyExcludesMx);
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Equal("mx2.example.test", f.Evidence["Excluded"]);
    }

    [Fact]
    public void Testing_mode_delivers_like_a_plain_sender_and_only_warns()
    {
        var d = Discovery(Policy(MtaStsMode.Testing, "mx1.example.test"));
        var tls = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", Probe(chain: new[] { Certs.Value.Leaf }), d, Array.Empty<byte[]>(), DateTimeOffset.UtcNow)!;
        Assert.Equal(TlsResultType.CertificateNotTrusted, tls.ResultType);

        var hops = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, tls) };
        var sts = SenderVerdicts.MtaSts(hops, hops[0], d);
        Assert.True(sts.Delivers);
        var f = TlsPolicyFindings.Build("example.test", d, hops, new[] { "mx1.example.test" }, sts, SenderVerdicts.Dane(hops, hops[0], d)).Single();
        Assert.Equal(FindingCodes.MtaStsCertificateInvalid, f.Code);
        Assert.Equal(FindingSeverity.Warning, f.Severity);
    }

    [Fact]
    public void A_trusted_certificate_for_the_MX_name_passes_enforce()
    {
        var d = Discovery(Policy(MtaStsMode.Enforce, "*.example.test"));
        var tls = TlsHopEvaluator.Evaluate("mx2.example.test", "192.0.2.26", Probe(chain: new[] { Certs.Value.Leaf }), d, Roots, DateTimeOffset.UtcNow)!;

        Assert.True(tls.MtaStsAccepts);
        Assert.Equal(TlsResultType.Success, tls.ResultType);
        Assert.True(tls.CertificateTrusted);

        var wrongName = TlsHopEvaluator.Evaluate("mx3.example.test", "192.0.2.27", Probe(chain: new[] { Certs.Value.Leaf }), d, Roots, DateTimeOffset.UtcNow)!;
        Assert.Equal(TlsResultType.CertificateHostMismatch, wrongName.ResultType);
    }

    [Fact]
    public void DANE_mismatch_sends_a_DANE_sender_to_the_next_MX_and_bogus_or_lost_lookups_make_hosts_unusable()
    {
        var match = new TlsaRecord(3, 1, 1, TlsaMatcher.Association(1, 1, Certs.Value.Leaf)!);
        var wrong = new TlsaRecord(3, 1, 1, new byte[32]);
        var d = Discovery(null, Tlsa("mx1.example.test", DaneStatus.Secure, wrong), Tlsa("mx2.example.test", DaneStatus.Secure, match));
        var now = DateTimeOffset.UtcNow;
        var t1 = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", Probe(chain: new[] { Certs.Value.Leaf }), d, Roots, now)!;
        var t2 = TlsHopEvaluator.Evaluate("mx2.example.test", "192.0.2.26", Probe(chain: new[] { Certs.Value.Leaf }), d, Roots, now)!;
        Assert.Equal(TlsResultType.TlsaInvalid, t1.ResultType);
        Assert.Equal(TlsResultType.Success, t2.ResultType);

        var hops = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, t1), Hop(2, "mx2.example.test", "192.0.2.26", MxHopOutcome.Ok, t2) };
        var dane = SenderVerdicts.Dane(hops, hops[0], d);
        Assert.True(dane.Delivers);
        Assert.Equal("mx2.example.test", dane.Exchange);
        Assert.Contains(TlsPolicyFindings.Build("example.test", d, hops, new[] { "mx1.example.test", "mx2.example.test" }, SenderVerdicts.MtaSts(hops, hops[0], d), dane), f => f.Code == FindingCodes.DaneTlsaMismatch);

        foreach (var (status, code) in new[] { (DaneStatus.Bogus, FindingCodes.DnssecBogus), (DaneStatus.LookupFailed, FindingCodes.TlsaLookupLost) })
        {
            var failed = Discovery(null, Tlsa("mx1.example.test", status));
            var t = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", Probe(chain: new[] { Certs.Value.Leaf }), failed, Roots, now)!;
            Assert.Equal(TlsResultType.DnssecInvalid, t.ResultType);
            var one = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, t) };
            var v = SenderVerdicts.Dane(one, one[0], failed);
            Assert.False(v.Delivers);
            Assert.Contains(TlsPolicyFindings.Build("example.test", failed, one, new[] { "mx1.example.test" }, SenderVerdicts.MtaSts(one, one[0], failed), v), f => f.Code == code && f.Severity == FindingSeverity.Error);
        }
    }

    [Fact]
    public void Insecure_TLSA_means_no_DANE()
    {
        var d = Discovery(null, Tlsa("mx1.example.test", DaneStatus.Insecure, new TlsaRecord(3, 1, 1, new byte[32])));
        var t = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", Probe(chain: new[] { Certs.Value.Leaf }), d, Roots, DateTimeOffset.UtcNow)!;

        Assert.Null(t.DaneAccepts);
        var hops = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, t) };
        var v = SenderVerdicts.Dane(hops, hops[0], d);
        Assert.True(v.Delivers);
        Assert.Contains("not DNSSEC-authenticated", v.Policy);
    }

    [Fact]
    public void The_TLS_report_is_RFC_8460_JSON()
    {
        var d = Discovery(Policy(MtaStsMode.Enforce, "mx1.example.test"));
        var tls = TlsHopEvaluator.Evaluate("mx1.example.test", "192.0.2.25", Probe(startTls: false, keywords: new[] { "XXXXXXXA" }), d, Roots, DateTimeOffset.UtcNow)!;
        var result = new MxPathResult
        {
            DomainName = "example.test",
            Hops = new[] { Hop(1, "mx1.example.test", "192.0.2.25", MxHopOutcome.Ok, tls, startTls: false) },
            TlsPolicy = new TlsPolicyResult { MtaSts = d.MtaSts },
        };

        using var json = JsonDocument.Parse(TlsReport.Build(new[] { result }, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));

        var policy = json.RootElement.GetProperty("policies")[0];
        Assert.Equal("sts", policy.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.Contains("mode: enforce", policy.GetProperty("policy").GetProperty("policy-string").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, policy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt32());
        var failure = policy.GetProperty("failure-details")[0];
        Assert.Equal("starttls-not-supported", failure.GetProperty("result-type").GetString());
        Assert.Equal("192.0.2.25", failure.GetProperty("receiving-ip").GetString());
        Assert.EndsWith("Z", json.RootElement.GetProperty("date-range").GetProperty("start-datetime").GetString());
    }

    [Fact]
    public void The_trusted_root_file_is_checked_at_the_edge()
    {
        var dir = Directory.CreateTempSubdirectory("mfl-roots-");
        try
        {
            var pem = Path.Combine(dir.FullName, "ca.pem");
            File.WriteAllText(pem, "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(Certs.Value.Ca, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n");
            Assert.Equal(Certs.Value.Ca, Assert.Single(TrustedRootFile.Load(pem, "TrustedRootCertificatePath")));

            var der = Path.Combine(dir.FullName, "ca.der");
            File.WriteAllBytes(der, Certs.Value.Ca);
            Assert.Single(TrustedRootFile.Load(der, "TrustedRootCertificatePath"));

            var junk = Path.Combine(dir.FullName, "junk.pem");
            File.WriteAllText(junk, "not a certificate");
            foreach (var bad in new[] { junk, Path.Combine(dir.FullName, "missing.pem") })
            {
                var ex = Assert.Throws<MailFlowException>(() => TrustedRootFile.Load(bad, "TrustedRootCertificatePath"));
                Assert.True(ex.IsInvalidInvocation);
                Assert.Equal(ErrorIds.InvalidCertificateFile, ex.ErrorId);
                Assert.Contains("-TrustedRootCertificatePath", ex.Message);
            }
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Theory]
    [InlineData(FindingCodes.StartTlsStripped, FaultLocation.Path)]
    [InlineData(FindingCodes.MtaStsPolicyExcludesMx, FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.MtaStsPolicyUnavailable, FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.MtaStsCertificateInvalid, FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.DaneTlsaMismatch, FaultLocation.RemoteHost)]
    [InlineData(FindingCodes.TlsaLookupLost, FaultLocation.Path)]
    [InlineData(FindingCodes.DnssecBogus, FaultLocation.RemoteHost)]
    public void Debug_MailFlow_names_each_TLS_policy_finding_as_the_cause(string code, FaultLocation location)
    {
        var verdict = CauseAnalyzer.Analyze(new[]
        {
            new StagedFinding(DiagnosisStage.MxPath, "example.test", Finding.Warning(FindingCodes.PrimaryDownSecondaryUp, "backup used", "fix")),
            new StagedFinding(DiagnosisStage.MxPath, "example.test", Finding.Error(code, "the TLS fault", "fix it")),
        });

        Assert.Equal(code, verdict.Cause);
        Assert.Equal(location, verdict.Location);
    }

    [Fact]
    public void A_lost_TLSA_lookup_outranks_the_EDNS_loss_behind_it()
    {
        Assert.True(CauseAnalyzer.RankOf(FindingCodes.TlsaLookupLost) < CauseAnalyzer.RankOf(FindingCodes.LargeUdpResponsesLost));
    }

    private static MtaStsPolicy Policy(MtaStsMode mode, params string[] mx) => new(mode, mx, 86400);

    private static TlsPolicyDiscovery Discovery(MtaStsPolicy? policy, params DaneTlsaResult[] dane) => new()
    {
        MtaSts = policy is null
            ? new MtaStsResult { Status = MtaStsStatus.NotPublished }
            : new MtaStsResult { Status = MtaStsStatus.Valid, Mode = policy.Mode, RecordId = "1", Mx = policy.Mx.ToArray(), MaxAgeSeconds = policy.MaxAgeSeconds, PolicyUrl = "https://mta-sts.example.test/.well-known/mta-sts.txt" },
        Policy = policy,
        Dane = dane,
        Resolver = "192.0.2.53",
    };

    private static DaneTlsaResult Tlsa(string exchange, DaneStatus status, params TlsaRecord[] records) => new()
    {
        Exchange = exchange,
        TlsaName = "_25._tcp." + exchange,
        Status = status,
        Records = records.Select(r => r.ToString()).ToArray(),
        UsableRecords = records.Count(r => r.IsUsableForSmtp),
        Authenticated = status == DaneStatus.Secure,
        Resolver = "192.0.2.53",
        Error = status == DaneStatus.LookupFailed ? "no answer within 3 s" : null,
        Parsed = records,
    };

    private static HopProbeResult Probe(bool startTls = true, string[]? keywords = null, byte[][]? chain = null) => new()
    {
        Outcome = MxHopOutcome.Ok,
        StartTlsOffered = startTls,
        TlsEstablished = startTls ? true : null,
        EhloKeywords = keywords ?? (startTls ? new[] { "PIPELINING", "STARTTLS" } : Array.Empty<string>()),
        PeerCertificateChain = chain ?? (startTls ? new[] { Certs.Value.Leaf } : Array.Empty<byte[]>()),
    };

    private static MxPathHop Hop(int order, string exchange, string address, MxHopOutcome outcome, HopTlsResult? tls, bool startTls = true) => new()
    {
        Order = order,
        Preference = order * 10,
        Exchange = exchange,
        Address = address,
        Port = 25,
        Outcome = outcome,
        StartTlsOffered = outcome == MxHopOutcome.Ok ? startTls : null,
        Tls = tls,
    };
}
