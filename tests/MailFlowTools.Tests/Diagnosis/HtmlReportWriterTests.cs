using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Tests.Infrastructure;
using static MailFlowTools.Tests.Diagnosis.DiagnosisSamples;

namespace MailFlowTools.Tests.Diagnosis;

public sealed class HtmlReportWriterTests
{
    private const string HostileBanner = "220 <script>alert(1)</script> \"mx\" & <img src=x onerror=alert(2)>";

    /// <summary>A black-hole diagnosis from canned results, with a hostile banner and server name from "the network".</summary>
    internal static Task<MailFlowDiagnosis> BlackHoleDiagnosis()
    {
        var hop = Hop(1, "mx-blackhole.lab.test", "198.51.100.27", MxHopOutcome.Ok);
        var probes = new FakeDiagnosisProbes
        {
            MxPath = d => Mx(d, new MxPathHop
            {
                Order = hop.Order,
                Preference = hop.Preference,
                Exchange = hop.Exchange,
                Address = hop.Address,
                Port = 25,
                Outcome = MxHopOutcome.Ok,
                ConnectMs = 0.6,
                Banner = HostileBanner,
            }),
            Stages = o => StalledSession(o, 0),
            Mtu = o => new[] { MtuBlackHole(o.ComputerName) },
            Edns = r => r.Servers.Count > 0
                ? new[] { Edns("198.51.100.56", null) }
                : new[] { Edns("198.51.100.54", "ns2<b>.lab.test", Finding.Info(FindingCodes.EdnsCompliant, "Compliant <b>server</b>.")) },
        };
        return Task.Run(() => new MailFlowDiagnosisEngine(probes).DiagnoseAsync(new DiagnosisSeed("blackhole.lab.test"), new MailFlowDiagnosisOptions { DnsServers = new[] { "198.51.100.56" } }, CancellationToken.None));
    }

    [Fact]
    public async Task The_report_has_the_verdict_first_and_an_svg_per_chart()
    {
        var d = await BlackHoleDiagnosis();
        var html = HtmlReportWriter.Render(d);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("id=\"cause\">PmtudBlackHole<", StringComparison.Ordinal) < html.IndexOf("id=\"mx\"", StringComparison.Ordinal));
        Assert.Contains("id=\"location\">location: Path<", html, StringComparison.Ordinal);
        Assert.Contains("id=\"recommendation\"", html, StringComparison.Ordinal);
        Assert.Equal(d.EvidenceChain.Length, Regex.Count(html, "<li>"));
        Assert.Contains("class=\"chart timeline\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"chart bytes\"", html, StringComparison.Ordinal);
        Assert.Contains("0 of 65,536 bytes of message data acknowledged", html, StringComparison.Ordinal);
        Assert.Equal(d.Edns.Length, Regex.Count(html, "class=\"chart dns\""));
        Assert.Contains("class=\"chart mtu\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"chart sweep\"", html, StringComparison.Ordinal);
        Assert.Contains("black hole</span>", html, StringComparison.Ordinal);
        Assert.Contains("lost from ~", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_is_self_contained_and_encodes_what_came_from_the_network()
    {
        var html = HtmlReportWriter.Render(await BlackHoleDiagnosis());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ns2<b>", html, StringComparison.Ordinal);
        Assert.Contains("220 &lt;script&gt;alert(1)&lt;/script&gt; &quot;mx&quot; &amp; &lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("ns2&lt;b&gt;.lab.test", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_paths_keep_one_file_per_domain()
    {
        var dir = Directory.CreateTempSubdirectory("mailflow-report-");
        try
        {
            Assert.Equal(Path.Combine(dir.FullName, "a.test.html"), HtmlReportWriter.PathFor(dir.FullName, "a.test", false));
            Assert.Equal(Path.Combine("/x", "r.html"), HtmlReportWriter.PathFor("/x/r.html", "a.test", false));
            Assert.Equal(Path.Combine("/x", "r-a.test.html"), HtmlReportWriter.PathFor("/x/r.html", "a.test", true));

            var d = await BlackHoleDiagnosis();
            var path = Path.Combine(dir.FullName, "sub", "report.html");
            HtmlReportWriter.WriteFile(d, path);
            Assert.True(new FileInfo(path).Length > 10_000);

            var blocked = Path.Combine(path, "cannot-be-under-a-file.html");
            var ex = Assert.Throws<MailFlowException>(() => HtmlReportWriter.WriteFile(d, blocked));
            Assert.Equal(ErrorIds.ReportWriteFailed, ex.ErrorId);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_runner_writes_the_report_and_names_it_in_the_result()
    {
        var dir = Directory.CreateTempSubdirectory("mailflow-runner-");
        try
        {
            var probes = new FakeDiagnosisProbes { MxPath = d => Mx(d, Hop(1, "mx1.lab.test", "198.51.100.25", MxHopOutcome.Ok)) };
            var results = new List<MailFlowDiagnosis>();
            var errors = new List<MailFlowException>();
            var inputs = new[]
            {
                new DiagnosisInput { DomainName = "healthy.lab.test" },
                new DiagnosisInput { NextHopDomain = "Submission" },
                new DiagnosisInput { DomainName = "other.lab.test" },
            };
            await DebugMailFlowRunner.RunAsync(inputs, new MailFlowDiagnosisOptions { DnsServers = new[] { "198.51.100.56" }, Quick = true }, Path.Combine(dir.FullName, "r.html"), results.Add, errors.Add, null, CancellationToken.None, probes);

            Assert.Equal(new[] { "healthy.lab.test", "other.lab.test" }, results.Select(r => r.DomainName));
            Assert.Equal(ErrorIds.InvalidDomainName, Assert.Single(errors).ErrorId);
            Assert.Equal(Path.Combine(dir.FullName, "r-healthy.lab.test.html"), results[0].ReportPath);
            Assert.True(File.Exists(results[1].ReportPath));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [ChromiumFact]
    public async Task Headless_chromium_renders_the_cause_and_the_charts()
    {
        var dir = Directory.CreateTempSubdirectory("mailflow-chromium-");
        try
        {
            var report = Path.Combine(dir.FullName, "blackhole.html");
            HtmlReportWriter.WriteFile(await BlackHoleDiagnosis(), report);
            var png = Path.Combine(dir.FullName, "blackhole.png");
            var url = new Uri(report).AbsoluteUri;

            var dom = Chromium(dir.FullName, "profile-dom", "--dump-dom", url);
            Assert.True(dom.ExitCode == 0, dom.StandardError);
            Assert.Contains("<b id=\"cause\">PmtudBlackHole</b>", dom.StandardOutput, StringComparison.Ordinal);
            Assert.True(Regex.Count(dom.StandardOutput, "<svg class=\"chart ") >= 5, "fewer than five charts in the rendered DOM");
            Assert.Contains("<rect", dom.StandardOutput, StringComparison.Ordinal);

            var shot = Chromium(dir.FullName, "profile-shot", "--screenshot=" + png, "--window-size=1200,2000", url);
            Assert.True(File.Exists(png), "no screenshot: " + shot.StandardError);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4));

            // A blank page of one colour compresses to a few kB at 1200x2000; text and charts do not.
            Assert.True(bytes.Length > 40_000, $"the screenshot is only {bytes.Length} bytes: the page looks blank");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static ProcessResult Chromium(string dir, string profile, params string[] args)
    {
        var all = new List<string>
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + Path.Combine(dir, profile),
        };
        all.AddRange(args);
        return ProcessRunner.Run(ChromiumFactAttribute.Executable!, all, TimeSpan.FromSeconds(120));
    }
}
