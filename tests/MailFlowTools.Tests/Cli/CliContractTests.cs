using System;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Tests.Infrastructure;
using MailFlowTools.Tests.Surface;

namespace MailFlowTools.Tests.Cli;

/// <summary>The CLI contract other commands and scripts rely on: verbs, --json, exit codes, errors on stderr.</summary>
public sealed class CliContractTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Json_output_is_an_array_with_dotnet_names_and_string_enums()
    {
        var r = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "4.4.7", "--json" }, Limit);
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.StandardOutput);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        var item = doc.RootElement[0];
        Assert.Equal("4.4.7", item.GetProperty("EnhancedStatus").GetString());
        var finding = item.GetProperty("Findings")[0];
        Assert.Equal("DeliveryTimeExpired", finding.GetProperty("Code").GetString());
        Assert.Equal("Warning", finding.GetProperty("Severity").GetString());
        Assert.Contains("Test-MxPath", item.GetProperty("SuggestedCmdlets").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Verb_names_are_case_insensitive_and_success_exits_zero()
    {
        var r = ProcessRunner.Mailflow(new[] { "resolve-smtpstatus", "250 2.0.0 Ok" }, Limit);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("EnhancedStatus", r.StandardOutput);
    }

    [Theory]
    [InlineData("Resolve-SmtpStatus", "--no-such-flag", "x")]
    [InlineData("No-SuchVerb")]
    [InlineData("Resolve-SmtpStatus", "no status in here")]
    public void Failures_to_run_exit_two_with_one_line_on_stderr(params string[] args)
    {
        var r = ProcessRunner.Mailflow(args, Limit);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mailflow: ", line);
    }

    [Fact]
    public void An_NDR_can_be_piped_on_standard_input()
    {
        var r = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--json" }, Limit, standardInput: System.IO.File.ReadAllText(TestPaths.InRepo("samples", "ndr-incident1.txt")));
        using var doc = JsonDocument.Parse(r.StandardOutput);
        Assert.Equal("failed", doc.RootElement[0].GetProperty("Action").GetString());
    }

    [Fact]
    public void Help_lists_every_verb()
    {
        // Every cmdlet of the module, read from its assembly, is a command, and the list holds nothing else.
        var cmdlets = ModuleSurfaceInspector.ReadCmdlets(TestPaths.CmdletAssembly, TestPaths.PowerShellReferenceAssembly)
            .Select(c => c.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(cmdlets);
        var r = ProcessRunner.Mailflow(new[] { "--help" }, Limit);
        Assert.Equal(0, r.ExitCode);
        var listed = r.StandardOutput.Split('\n')
            .SkipWhile(l => l.Trim() != "Commands:").Skip(1)
            .TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim()).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(cmdlets, listed);
    }

    [Fact]
    public void Every_verb_has_its_own_help_with_its_parameters()
    {
        foreach (var verb in ModuleSurfaceInspector.ReadCliVerbs(TestPaths.CliAssembly, TestPaths.PowerShellReferenceAssembly))
        {
            var r = ProcessRunner.Mailflow(new[] { verb.Name, "--help" }, Limit);
            Assert.True(r.ExitCode == 0, verb.Name + " --help: exit " + r.ExitCode + "\n" + r.StandardError);
            Assert.StartsWith("Usage: mailflow " + verb.Name, r.StandardOutput.TrimStart(), StringComparison.Ordinal);
            Assert.NotEmpty(verb.Parameters);
            Assert.All(verb.Parameters, p => Assert.Matches("(?m)^ +--" + Regex.Escape(ArgumentBinder.ToKebabCase(p)) + "( |\r?$)", r.StandardOutput));
        }
    }
}
