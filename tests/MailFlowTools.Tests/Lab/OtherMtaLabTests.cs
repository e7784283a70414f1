using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Issue #19: right against every real MTA, not only Postfix. The lab's Exim 4 (.36, size loss on .38) and
/// OpenSMTPD (.37, size loss on .39), in Debian's default behaviour, and BIND 9 for mta.test (.57 healthy, .58
/// fragments dropped), with Exim also behind the PMTU black hole (.41) and the stall (.42): every verb on a healthy
/// path is clean, the faults get the same cause as through Postfix,
/// and the probes stay within the README's per-host session budget and deliver nothing.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class OtherMtaLabTests
{
    private const string EximV4 = "198.51.100.36";
    private const string EximV6 = "2001:db8:5::36";
    private const string OpenSmtpdV4 = "198.51.100.37";
    private const string OpenSmtpdV6 = "2001:db8:5::37";
    private const string EximSizeLossV4 = "198.51.100.38";
    private const string OpenSmtpdSizeLossV4 = "198.51.100.39";
    private const string EximBlackHoleV4 = "198.51.100.41";
    private const string EximBlackHoleV6 = "2001:db8:5::41";
    private const string EximStallV4 = "198.51.100.42";
    private const string EximStallV6 = "2001:db8:5::42";
    private const string BindHealthy = "198.51.100.57";

    /// <summary>The README's budget: one session per sweep size, at most four (first, two retries, one single-command retry).</summary>
    private const int SweepSessionsPerSize = 4;

    /// <summary>Debug-MailFlow on a healthy host: the MX walk's session, the full session, and the sweep's sessions.</summary>
    private const int DebugMailFlowExtraSessions = 3;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private static readonly string State = Environment.GetEnvironmentVariable("MFL_STATE") ?? "/run/mfl";
    private static readonly string EximLog = Path.Combine(State, "exim", "log", "mainlog");
    private static readonly string OpenSmtpdLog = Path.Combine(State, "opensmtpd.log");

    private readonly LabFixture lab;

    public OtherMtaLabTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    [LabTheory]
    [InlineData(EximV4)]
    [InlineData(EximV6)]
    [InlineData(OpenSmtpdV4)]
    [InlineData(OpenSmtpdV6)]
    public void Stage_timing_without_a_recipient_is_clean_on_a_healthy_path(string address)
    {
        var (exit, stages, raw) = Run("Get-SmtpStageTiming", address);

        Assert.True(exit == 0, raw);
        var findings = stages.EnumerateArray().SelectMany(s => s.GetProperty("Findings").EnumerateArray()).ToList();
        Assert.DoesNotContain(findings, f => f.GetProperty("Severity").GetString() != "Info");
        Assert.DoesNotContain(findings, f => f.GetProperty("Code").GetString() == "SmtpSessionFailed");
        if (address is OpenSmtpdV4 or OpenSmtpdV6)
        {
            // OpenSMTPD qualifies the bare postmaster with its own host name and refuses it: its policy, reported as such.
            var refused = Assert.Single(findings, f => f.GetProperty("Code").GetString() == "RecipientRefused");
            Assert.Equal("Info", refused.GetProperty("Severity").GetString());
        }
    }

    [LabTheory]
    [InlineData(EximV4, "PipelinedEnvelope")]
    [InlineData(OpenSmtpdV4, "SingleCommand")]
    public void The_sweep_measures_every_size_the_way_the_server_allows(string address, string method)
    {
        var exim = address == EximV4;
        var before = exim ? Sessions(EximLog, @"SMTP connection from \[") : Sessions(OpenSmtpdLog, @"smtp connected address=");
        var pipeliningRefusals = Sessions(OpenSmtpdLog, "Pipelining not supported");
        var (exit, results, raw) = Run("Find-MtuBlackHole", address, "--method", "Sweep", "--timeout-seconds", "2");
        var r = results[0];
        var sweep = r.GetProperty("Sweep").EnumerateArray().ToList();
        var sessions = (exim ? Sessions(EximLog, @"SMTP connection from \[") : Sessions(OpenSmtpdLog, @"smtp connected address=")) - before;

        Assert.True(exit == 0, raw);
        Assert.False(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.DoesNotContain(r.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Severity").GetString() != "Info");
        Assert.All(sweep, e => Assert.Equal("Passed", e.GetProperty("Outcome").GetString()));
        Assert.All(sweep, e => Assert.Equal(method, e.GetProperty("Method").GetString()));
        Assert.Equal(pipeliningRefusals, Sessions(OpenSmtpdLog, "Pipelining not supported"));
        Assert.InRange(sessions, sweep.Count, sweep.Count * SweepSessionsPerSize);
        Assert.Equal(sweep.Count, sessions);
    }

    [LabTheory]
    [InlineData("exim.mta.test")]
    [InlineData("smtpd.mta.test")]
    public void The_MX_walk_reaches_each_MTA_without_a_finding(string domain)
    {
        var (exit, results, raw) = Run("Test-MxPath", domain, "--dns-server", BindHealthy, "--all-hops");
        var r = results[0];

        Assert.True(exit == 0, raw);
        Assert.True(r.GetProperty("Reachable").GetBoolean(), raw);
        Assert.DoesNotContain(r.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Severity").GetString() != "Info");
    }

    [LabTheory]
    [InlineData(EximV4, "Auto")]
    [InlineData(OpenSmtpdV6, "Auto")]
    [InlineData(EximV4, "Tcp")]
    [InlineData(OpenSmtpdV4, "Tcp")]
    public void The_path_MTU_search_to_each_MTA_is_clean(string address, string method)
    {
        var pipeliningRefusals = Sessions(OpenSmtpdLog, "Pipelining not supported");
        var (exit, results, raw) = Run("Find-MtuBlackHole", address, "--method", method);
        var r = results[0];

        Assert.True(exit == 0, raw);
        Assert.Equal(1500, r.GetProperty("PathMtu").GetInt32());
        Assert.False(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.DoesNotContain(r.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Severity").GetString() != "Info");
        Assert.Equal(pipeliningRefusals, Sessions(OpenSmtpdLog, "Pipelining not supported"));
    }

    [LabTheory]
    [InlineData(EximSizeLossV4, "PipelinedEnvelope")]
    [InlineData(OpenSmtpdSizeLossV4, "SingleCommand")]
    public void Size_loss_in_front_of_each_MTA_is_found_to_the_byte(string address, string method)
    {
        var (exit, results, raw) = Run("Find-MtuBlackHole", address, "--method", "Sweep", "--timeout-seconds", "2");
        var r = results[0];

        Assert.True(exit == 1, raw);
        Assert.Equal(new[] { 513, 1025 }, r.GetProperty("FailingPayloadSizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Contains(r.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Code").GetString() == "SizeSpecificLoss");
        Assert.All(r.GetProperty("Sweep").EnumerateArray(), e => Assert.Equal(method, e.GetProperty("Method").GetString()));
    }

    [LabTheory]
    [InlineData(EximBlackHoleV4)]
    [InlineData(EximBlackHoleV6)]
    public void The_PMTU_black_hole_in_front_of_Exim_is_found_at_1400(string address)
    {
        var (exit, results, raw) = Run("Find-MtuBlackHole", address, "--timeout-seconds", "2");
        var r = results[0];

        Assert.True(exit == 1, raw);
        Assert.Equal(1400, r.GetProperty("PathMtu").GetInt32());
        Assert.True(r.GetProperty("BlackHole").GetBoolean(), raw);
        Assert.False(r.GetProperty("IcmpTooBigSeen").GetBoolean(), raw);
        Assert.Contains(r.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Code").GetString() == "PmtudBlackHole");
    }

    [LabTheory]
    [InlineData(EximStallV4)]
    [InlineData(EximStallV6)]
    public void A_100_kB_message_to_Exim_behind_the_stall_stops_at_the_64_kB_mark(string address)
    {
        var deliveredBefore = Delivered();
        var (exit, stages, raw) = Run("Get-SmtpStageTiming", address, "--to", "postmaster@exim-stall.mta.test",
            "--message-size", "100000", "--timeout-seconds", "5", "--start-tls", "Off");
        var all = stages.EnumerateArray().ToList();
        var body = all[^1];

        Assert.True(exit == 1, raw);
        Assert.Equal("Body", body.GetProperty("Stage").GetString());
        Assert.Equal("Timeout", body.GetProperty("Outcome").GetString());
        Assert.All(all.Take(all.Count - 1), s => Assert.Equal("Ok", s.GetProperty("Outcome").GetString()));
        var stalled = Assert.Single(body.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Code").GetString() == "TransferStalled");
        Assert.InRange(stalled.GetProperty("Evidence").GetProperty("StalledAtByte").GetInt64(), 50_000, 65_536);
        Assert.Equal(deliveredBefore, Delivered());
    }

    [LabTheory]
    [InlineData("exim.mta.test", "None", "None", 0)]
    [InlineData("smtpd.mta.test", "None", "None", 0)]
    [InlineData("exim-sizeloss.mta.test", "SizeSpecificLoss", "Path", 1)]
    [InlineData("smtpd-sizeloss.mta.test", "SizeSpecificLoss", "Path", 1)]
    [InlineData("exim-blackhole.mta.test", "PmtudBlackHole", "Path", 1)]
    [InlineData("exim-stall.mta.test", "TransferStalled", "Path", 1)]
    public void Debug_MailFlow_through_each_MTA_names_the_same_cause_as_through_Postfix(string domain, string cause, string location, int expectedExit)
    {
        var eximBefore = Sessions(EximLog, @"SMTP connection from \[");
        var deliveredBefore = Delivered();
        var (exit, results, raw) = Run("Debug-MailFlow", domain, "--dns-server", BindHealthy);
        var d = results[0];

        Assert.True(cause == d.GetProperty("Cause").GetString(), raw);
        Assert.Equal(location, d.GetProperty("Location").GetString());
        Assert.Equal(expectedExit, exit);
        if (cause == "None")
        {
            Assert.DoesNotContain(d.GetProperty("Findings").EnumerateArray(), f => f.GetProperty("Finding").GetProperty("Severity").GetString() is "Warning" or "Error");
        }

        if (domain == "exim.mta.test")
        {
            // A size retried on a loaded machine opens one more session per attempt; the budget counts attempts, not sizes.
            var sweep = d.GetProperty("Mtu").EnumerateArray().SelectMany(m => m.GetProperty("Sweep").EnumerateArray()).ToList();
            var attempts = sweep.Sum(e => Math.Max(1, e.GetProperty("Attempts").GetInt32()));
            var sessions = Sessions(EximLog, @"SMTP connection from \[") - eximBefore;
            Assert.True(sessions >= 1 && sessions <= attempts + DebugMailFlowExtraSessions,
                $"{sessions} Exim sessions for {sweep.Count} sweep sizes in {attempts} attempts (budget {attempts + DebugMailFlowExtraSessions})");
        }

        Assert.Equal(deliveredBefore, Delivered());
    }

    [LabTheory]
    [InlineData("198.51.100.57", 0, null)]
    [InlineData("2001:db8:5::57", 0, null)]
    [InlineData("198.51.100.58", 1, "LargeUdpResponsesLost")]
    [InlineData("2001:db8:5::58", 1, "LargeUdpResponsesLost")]
    public void Bind_beside_Knot_is_clean_on_the_healthy_path_and_shows_fragment_loss_on_the_other(string server, int expectedExit, string? code)
    {
        var (exit, results, raw) = Run("Test-EdnsReachability", "big.mta.test", "--server", server);
        var findings = results.EnumerateArray().SelectMany(r => r.GetProperty("Findings").EnumerateArray()).ToList();

        Assert.True(exit == expectedExit, raw);
        if (code is null)
        {
            Assert.DoesNotContain(findings, f => f.GetProperty("Severity").GetString() != "Info");
        }
        else
        {
            Assert.Contains(findings, f => f.GetProperty("Code").GetString() == code && f.GetProperty("Severity").GetString() == "Error");
        }
    }

    /// <summary>Lines in a server log matching <paramref name="pattern"/> (0 when the log is missing).</summary>
    private static int Sessions(string log, string pattern) =>
        File.Exists(log) ? File.ReadLines(log).Count(l => Regex.IsMatch(l, pattern)) : 0;

    /// <summary>Messages Exim and OpenSMTPD delivered (to their discard) since lab-up.</summary>
    private static int Delivered() =>
        Sessions(EximLog, @" => :blackhole:") + Sessions(OpenSmtpdLog, @"delivery evpid=.* result=Ok");

    private (int Exit, JsonElement Result, string Raw) Run(params string[] verbAndArgs)
    {
        List<string> args = [.. TestPaths.CliCommand];
        args.AddRange(verbAndArgs);
        args.Add("--json");
        var r = lab.InClient(args, Limit);
        var raw = "exit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.False(r.TimedOut, raw);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        return (r.ExitCode, doc.RootElement.Clone(), raw);
    }
}
