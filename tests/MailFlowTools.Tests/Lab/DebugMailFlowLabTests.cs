using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailFlowTools.Tests.Diagnosis;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Debug-MailFlow end to end, one command per lab scenario: the built mailflow CLI in the client namespace, DNS
/// through the system resolver (Unbound), the real servers and faults. Each scenario must get its cause, stay within
/// the documented time bound, and deliver nothing.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class DebugMailFlowLabTests
{
    /// <summary>The hard bound of a run: 9 x -TimeoutSeconds (default 10); the CLI is killed a little after it.</summary>
    private const double RunBoundSeconds = 90;

    /// <summary>README "Time bound": each lab scenario takes 5-30 s (measured inside the engine, so without start-up).</summary>
    private const double ScenarioBoundSeconds = 30;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(RunBoundSeconds + 30);

    private readonly LabFixture lab;
    private readonly ITestOutputHelper output;

    public DebugMailFlowLabTests(LabFixture lab, ITestOutputHelper output)
    {
        this.lab = lab;
        this.output = output;
        lab.RequireUp();
    }

    [LabTheory]
    [InlineData("big.lab.test", "LargeUdpResponsesLost", "Path")]
    [InlineData("sizeloss.lab.test", "SizeSpecificLoss", "Path")]
    [InlineData("blackhole.lab.test", "PmtudBlackHole", "Path")]
    [InlineData("masked.lab.test", "BannerMasked", "Path")]
    [InlineData("stall.lab.test", "TransferStalled", "Path")]
    [InlineData("failover.lab.test", "NoBannerAfterConnect", "RemoteHost")]
    [InlineData("nullmx.lab.test", "NullMx", "RemoteHost")]
    [InlineData("unreachable.lab.test", "AllHopsFailed", "Path")]
    public void Each_fault_gets_its_cause_in_one_command(string domain, string cause, string location)
    {
        var before = lab.Delivered();
        var (exit, d, text, seconds) = Run(domain);

        Assert.True(cause == d.GetProperty("Cause").GetString(), text);
        Assert.Equal(location, d.GetProperty("Location").GetString());
        Assert.Equal(1, exit);
        Assert.True(seconds <= ScenarioBoundSeconds, $"{domain} took {seconds:0.0} s (engine)");
        Assert.True(d.GetProperty("EvidenceChain").GetArrayLength() > 0, text);
        Assert.Contains(Findings(d), f => f.Code == cause && f.Severity != "Info" || cause == "NullMx" && f.Code == cause);
        Assert.Equal(before, lab.Delivered());

        switch (cause)
        {
            case "LargeUdpResponsesLost":
                Assert.Contains(Findings(d), f => f.Code == cause && f.Subject.StartsWith("ns2.lab.test", StringComparison.Ordinal));
                break;
            case "SizeSpecificLoss":
                var sizes = d.GetProperty("Mtu").EnumerateArray().SelectMany(m => m.GetProperty("FailingPayloadSizes").EnumerateArray().Select(s => s.GetInt32())).ToList();
                Assert.Contains(513, sizes);
                Assert.Contains(1025, sizes);
                Assert.DoesNotContain(512, sizes);
                Assert.DoesNotContain(514, sizes);
                break;
            case "PmtudBlackHole":
                Assert.Contains(d.GetProperty("Mtu").EnumerateArray(), m => m.GetProperty("BlackHole").GetBoolean() && m.GetProperty("PathMtu").GetInt32() == LabAddresses.PathMtu);
                Assert.Contains(Findings(d), f => f.Code == "TransferStalled");
                break;
            case "TransferStalled":
                var body = d.GetProperty("Stages").EnumerateArray().Single(s => s.GetProperty("Stage").GetString() == "Body");
                Assert.InRange(body.GetProperty("BytesAcked").GetInt64(), 50_000, LabAddresses.StallBytes);
                break;
            case "AllHopsFailed":
                Assert.DoesNotContain(Findings(d), f => f.Code == "LocalPort25Blocked");
                Assert.Equal(JsonValueKind.Null, d.GetProperty("SelectedHop").ValueKind);
                break;
        }
    }

    [LabFact]
    public void The_healthy_domain_is_None_with_no_warning_or_error()
    {
        var before = lab.Delivered();
        var (exit, d, text, seconds) = Run("healthy.lab.test");

        Assert.True(d.GetProperty("Cause").GetString() == "None", text);
        Assert.Equal("None", d.GetProperty("Location").GetString());
        Assert.DoesNotContain(Findings(d), f => f.Severity != "Info");
        Assert.Equal(0, exit);
        Assert.True(seconds <= ScenarioBoundSeconds, $"took {seconds:0.0} s (engine)");

        // Every step ran: the authoritative probes include ns3's blocked TCP, harmless for this small answer.
        Assert.Equal(new[] { "Status", "Dns", "MxPath", "SmtpStages", "PathMtu" }, d.GetProperty("StageTimesMs").EnumerateObject().Select(p => p.Name));
        Assert.Contains(Findings(d), f => f.Code == "TcpFallbackBlocked" && f.Severity == "Info" && f.Subject.StartsWith("ns3.lab.test", StringComparison.Ordinal));
        var body = d.GetProperty("Stages").EnumerateArray().Single(s => s.GetProperty("Stage").GetString() == "Body");
        Assert.Equal(100 * 1024, body.GetProperty("BytesSent").GetInt64());
        Assert.Equal(100 * 1024, body.GetProperty("BytesAcked").GetInt64());
        Assert.Equal(before, lab.Delivered());
    }

    /// <summary>The control for PmtudBlackHole: the same 1400-byte path MTU with ICMP delivered (mx-control, .28/::28).</summary>
    [LabFact]
    public void The_pmtu_control_host_has_the_smaller_mtu_and_no_black_hole()
    {
        var before = lab.Delivered();
        var (exit, d, text, seconds) = Run("control.lab.test");

        Assert.True(d.GetProperty("Cause").GetString() == "None", text);
        Assert.Equal(0, exit);
        Assert.True(seconds <= ScenarioBoundSeconds, $"took {seconds:0.0} s (engine)");
        Assert.DoesNotContain(Findings(d), f => f.Code is "PmtudBlackHole" or "TransferStalled" or "SizeSpecificLoss");
        var mtu = d.GetProperty("Mtu").EnumerateArray().ToList();
        Assert.NotEmpty(mtu);
        Assert.All(mtu, m => Assert.False(m.GetProperty("BlackHole").GetBoolean(), text));
        Assert.Contains(mtu, m => m.GetProperty("PathMtu").GetInt32() == LabAddresses.PathMtu);
        var body = d.GetProperty("Stages").EnumerateArray().Single(s => s.GetProperty("Stage").GetString() == "Body");
        Assert.Equal(100 * 1024, body.GetProperty("BytesAcked").GetInt64());
        Assert.Equal(before, lab.Delivered());
    }

    [LabFact]
    public void A_queue_item_and_an_ndr_seed_the_diagnosis()
    {
        var before = lab.Delivered();
        var ndr = File.ReadAllText(TestPaths.InRepo("samples", "ndr-incident1.txt"));
        var (_, fromNdr, text, _) = Run(null, "--ndr-text", ndr, "--quick");
        Assert.Equal("big.lab.test", fromNdr.GetProperty("DomainName").GetString());
        Assert.True(fromNdr.GetProperty("Cause").GetString() == "LargeUdpResponsesLost", text);
        Assert.Equal("4.4.7", fromNdr.GetProperty("Status").GetProperty("EnhancedStatus").GetString());
        Assert.StartsWith("Status: NDR: ", fromNdr.GetProperty("EvidenceChain")[0].GetString(), StringComparison.Ordinal);

        var queue = "{\"Identity\":\"EX01\\\\42\",\"DeliveryType\":\"DnsConnectorDelivery\",\"NextHopDomain\":\"failover.lab.test\",\"LastError\":\"451 4.4.0 Primary target IP address responded with: \\\"421 4.4.2 Connection dropped due to SocketError.\\\"\"}";
        var (_, fromQueue, text2, _) = Run(null, "--input-object", queue, "--quick");
        Assert.Equal("failover.lab.test", fromQueue.GetProperty("DomainName").GetString());
        Assert.True(fromQueue.GetProperty("Cause").GetString() == "NoBannerAfterConnect", text2);
        Assert.Equal("queue LastError", fromQueue.GetProperty("Findings").EnumerateArray().First().GetProperty("Subject").GetString());
        Assert.Equal(0, fromQueue.GetProperty("Stages").GetArrayLength());
        Assert.Equal(before, lab.Delivered());
    }

    [LabFact]
    public void The_report_of_a_lab_run_renders_with_its_charts()
    {
        var dir = Directory.CreateTempSubdirectory("mailflow-lab-report-");
        try
        {
            var path = Path.Combine(dir.FullName, "stall.html");
            var (_, d, text, _) = Run("stall.lab.test", "--report-path", path);
            Assert.Equal(path, d.GetProperty("ReportPath").GetString());
            var html = File.ReadAllText(path);
            Assert.Contains("id=\"cause\">TransferStalled<", html, StringComparison.Ordinal);
            Assert.Contains("class=\"chart timeline\"", html, StringComparison.Ordinal);
            Assert.Contains("class=\"chart bytes\"", html, StringComparison.Ordinal);
            Assert.True(Regex.Count(html, "class=\"chart dns\"") >= 4, "fewer DNS charts than servers");
            Assert.Contains("class=\"chart sweep\"", html, StringComparison.Ordinal);

            // The page itself passed; only its rendering needs Chromium (tests/run.sh installs it as root).
            Assert.SkipWhen(ChromiumFactAttribute.Executable is null, "Chromium is not installed: the report's HTML was checked, its rendered DOM was not.");
            var dom = ProcessRunner.Run(
                ChromiumFactAttribute.Executable!,
                new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + Path.Combine(dir.FullName, "profile"), "--dump-dom", new Uri(path).AbsoluteUri },
                TimeSpan.FromSeconds(120));
            Assert.Contains("<b id=\"cause\">TransferStalled</b>", dom.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("bytes of message data acknowledged", dom.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private (int Exit, JsonElement Diagnosis, string Text, double Seconds) Run(string? domain, params string[] args)
    {
        List<string> command = [.. TestPaths.CliCommand, "Debug-MailFlow"];
        if (domain is not null)
        {
            command.Add(domain);
        }

        command.AddRange(args);
        command.Add("--json");
        var r = lab.InClient(command, Limit);
        var text = string.Join(" ", command.Select(a => a.Length > 80 ? a.Substring(0, 80) + "…" : a)) + "\nexit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.True(r.ExitCode is 0 or 1, text);
        using var document = JsonDocument.Parse(r.StandardOutput);
        var diagnosis = Assert.Single(document.RootElement.EnumerateArray()).Clone();
        var seconds = diagnosis.GetProperty("ElapsedMs").GetDouble() / 1000;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1} ({2}) in {3:0.0} s wall, {4:0.0} s engine; steps {5}", diagnosis.GetProperty("DomainName").GetString(), diagnosis.GetProperty("Cause").GetString(), diagnosis.GetProperty("Location").GetString(), r.ElapsedMs / 1000, seconds, diagnosis.GetProperty("StageTimesMs")));
        return (r.ExitCode, diagnosis, text, seconds);
    }

    private static List<(string Stage, string Subject, string Severity, string Code)> Findings(JsonElement d) =>
        d.GetProperty("Findings").EnumerateArray()
            .Select(f => (f.GetProperty("Stage").GetString()!, f.GetProperty("Subject").GetString()!, f.GetProperty("Finding").GetProperty("Severity").GetString()!, f.GetProperty("Finding").GetProperty("Code").GetString()!))
            .ToList();
}
