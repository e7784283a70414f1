using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Output;
using MailFlowTools.Cli.Verbs;
using MailFlowTools.Core.Errors;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Diagnosis;

public sealed class DebugMailFlowCliTests
{
    [Fact]
    public async Task The_text_form_reads_as_an_explanation()
    {
        var d = (await HtmlReportWriterTests.BlackHoleDiagnosis()).WithReportPath("/tmp/blackhole.html");
        var writer = new StringWriter();
        TextOutput.Write(writer, new object[] { d });
        var text = writer.ToString();
        var lines = text.Split('\n');

        Assert.StartsWith("blackhole.lab.test: PmtudBlackHole (location: Path)", lines[0], StringComparison.Ordinal);
        Assert.Contains("  What to do: Let ICMP type 3 code 4 through.", text, StringComparison.Ordinal);
        Assert.Contains("  Evidence:", text, StringComparison.Ordinal);
        Assert.Contains("    1. Dns: ", text, StringComparison.Ordinal);
        Assert.Contains("  Report: /tmp/blackhole.html", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MxPath    :", text, StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= 110, "line too long: " + l));
    }

    [Fact]
    public void Queue_items_come_as_json_or_domain_bar_error()
    {
        var json = QueueItemText.Parse("{\"Identity\":\"EX01\\\\3\",\"NextHopDomain\":\"stall.lab.test\",\"LastError\":\"451 4.4.0 Primary target IP address responded with: 421 4.4.2\",\"MessageCount\":3}");
        Assert.Equal("stall.lab.test", json.NextHopDomain);
        Assert.StartsWith("451 4.4.0", json.LastError, StringComparison.Ordinal);

        var bar = QueueItemText.Parse("failover.lab.test | 451 4.4.7 Message delayed");
        Assert.Equal("failover.lab.test", bar.NextHopDomain);
        Assert.Equal("451 4.4.7 Message delayed", bar.LastError);

        Assert.Equal("x.test", QueueItemText.Parse("x.test").NextHopDomain);
        Assert.True(Assert.Throws<MailFlowException>(() => QueueItemText.Parse("{not json")).IsInvalidInvocation);
    }

    [Fact]
    public void The_verb_binds_the_cmdlet_parameter_names()
    {
        var verb = new DebugMailFlowVerb();
        ArgumentBinder.Bind(verb, new[] { "a.test", "b.test", "--dns-server", "198.51.100.56", "--quick", "--report-path", "out/r.html", "--timeout-seconds", "4", "--input-object", "c.test|421 4.4.2", "--ndr-text", "-" });
        Assert.Equal(new[] { "a.test", "b.test" }, verb.DomainName);
        Assert.Equal(new[] { "198.51.100.56" }, verb.DnsServer);
        Assert.True(verb.Quick);
        Assert.Equal("out/r.html", verb.ReportPath);
        Assert.Equal(4, verb.TimeoutSeconds);
        Assert.Equal("c.test|421 4.4.2", verb.InputObject);

        var json = new DebugMailFlowVerb();
        ArgumentBinder.Bind(json, new[] { "--input-object", "{\"NextHopDomain\":\"a.test\",\"LastError\":\"451 4.4.0 x, y\"}" });
        Assert.Equal("a.test", QueueItemText.Parse(json.InputObject!).NextHopDomain);
        Assert.Equal("-", verb.NdrText);
        Assert.Equal(
            new[] { "DomainName", "InputObject", "NdrText", "NdrPath", "DnsServer", "Quick", "ReportPath", "TimeoutSeconds", "TrustedRootCertificatePath" }.OrderBy(n => n),
            ArgumentBinder.ParametersOf(typeof(DebugMailFlowVerb)).Select(p => p.Name).OrderBy(n => n));
    }

    [Fact]
    public void Bad_invocations_exit_two()
    {
        var r = ProcessRunner.Mailflow(new[] { "Debug-MailFlow", "x.test", "--timeout-seconds", "0" }, TimeSpan.FromSeconds(30));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ValueOutOfRange", r.StandardError, StringComparison.Ordinal);

        var none = ProcessRunner.Mailflow(new[] { "Debug-MailFlow", "--ndr-text", "550 5.1.1 unknown user, no address" }, TimeSpan.FromSeconds(30));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("InvalidDomainName", none.StandardError, StringComparison.Ordinal);

        var both = ProcessRunner.Mailflow(new[] { "Debug-MailFlow", "--ndr-text", "4.4.7", "--ndr-path", "ndr.eml" }, TimeSpan.FromSeconds(30));
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("InvalidParameterCombination", both.StandardError, StringComparison.Ordinal);

        var missing = ProcessRunner.Mailflow(new[] { "Debug-MailFlow", "--ndr-path", "/no/such/bounce.eml" }, TimeSpan.FromSeconds(30));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("NoStatusInInput", missing.StandardError, StringComparison.Ordinal);
    }
}
