using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Output;
using MailFlowTools.Cli.Verbs;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Infrastructure;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.Cli;

public sealed class GetSmtpStageTimingVerbTests
{
    private static async Task<(List<object> Results, List<MailFlowException> Errors)> RunVerb(params string[] args)
    {
        var verb = new GetSmtpStageTimingVerb();
        ArgumentBinder.Bind(verb, args);
        var results = new List<object>();
        var errors = new List<MailFlowException>();
        var context = new CliContext(new RecordingReporter(), results.Add, errors.Add, TextReader.Null, standardInputRedirected: true);
        await verb.RunAsync(context, CancellationToken.None);
        return (results, errors);
    }

    [Fact]
    public async Task KebabCaseParametersReachTheEngine()
    {
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour().RunAsync);
        var (results, errors) = await RunVerb("127.0.0.1", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--to", "a@fake.test,b@fake.test", "--stop-after", "rcpt", "--pipelining", "Off", "--timeout-seconds", "5");
        Assert.Empty(errors);
        var stages = results.Cast<SmtpStageResult>().ToList();
        Assert.Equal(2, stages.Count(s => s.Stage == SmtpStage.RcptTo));
        Assert.All(stages, s => Assert.False(s.Pipelined));
        Assert.Equal(SmtpStage.Quit, stages[^1].Stage);

        // The JSON the CLI writes: enums as strings, .NET names.
        var json = JsonSerializer.Serialize<object>(results, JsonOutput.Options);
        Assert.Contains("\"Stage\": \"RcptTo\"", json);
        Assert.Contains("\"Outcome\": \"Ok\"", json);
    }

    [Fact]
    public async Task UnknownHostIsACouldNotRunError()
    {
        var (results, errors) = await RunVerb("no-such-host.invalid", "--timeout-seconds", "5");
        Assert.Empty(results);
        Assert.Equal(ErrorIds.UnknownHost, Assert.Single(errors).ErrorId);
    }

    [Fact]
    public async Task CredentialPasswordComesFromTheEnvironmentAndStaysSecret()
    {
        const string password = "env-Secret-123";
        await using var server = new FakeSmtpServer(new StandardSmtpBehaviour { Certificate = TestCertificates.SelfSigned, Extensions = new[] { "AUTH PLAIN" } }.RunAsync);
        // env(1) sets the variable for the child only.
        var r = ProcessRunner.Run(
            "env",
            [GetSmtpStageTimingVerb.PasswordEnvironmentVariable + "=" + password, .. TestPaths.CliCommand, "Get-SmtpStageTiming", "127.0.0.1", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--credential", "probe", "--allow-insecure-auth", "--stop-after", "Mail", "--json", "--verbose"],
            TimeSpan.FromSeconds(30),
            standardInput: string.Empty);
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Contains("\"Stage\": \"Auth\"", r.StandardOutput);
        Assert.Contains("AUTH PLAIN ****", r.StandardError);
        Assert.DoesNotContain(password, r.StandardOutput + r.StandardError);
    }

    [Fact]
    public async Task CredentialWithoutPasswordSourceIsAnInvocationError()
    {
        Environment.SetEnvironmentVariable(GetSmtpStageTimingVerb.PasswordEnvironmentVariable, null);
        var ex = await Assert.ThrowsAsync<MailFlowException>(() => RunVerb("127.0.0.1", "--credential", "someone"));
        Assert.Equal(ErrorIds.CredentialRequired, ex.ErrorId);
    }
}
