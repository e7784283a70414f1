using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Verbs;
using MailFlowTools.Tests.Infrastructure;
using MailFlowTools.Tests.Smtp;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// The real mailflow CLI, as a child process with MAILFLOW_PASSWORD set, against hostile loopback servers: the
/// password shows in no form on stdout (JSON or table) or stderr (verbose transcript, warnings, error lines),
/// whatever the exit path.
/// </summary>
public sealed class CredentialSecrecyCliTests : IClassFixture<CredentialCliRunFixture>
{
    private const string UserName = CredentialSecrecyTests.UserName;
    private const string Password = CredentialSecrecyTests.Password;

    internal static readonly Dictionary<string, (Func<AuthSmtpBehaviour>? Server, string[] Args, int ExitCode, string Expect)> Rows = new()
    {
        ["PlainAcceptedJson"] = (() => Tls(AuthReaction.Accept), new[] { "--json", "--allow-insecure-auth" }, 0, "AUTH PLAIN ****"),
        ["LoginAcceptedTable"] = (() => Tls(AuthReaction.Accept, "LOGIN"), new[] { "--allow-insecure-auth" }, 0, "AUTH LOGIN"),
        ["RejectedWithEchoJson"] = (() => Tls(AuthReaction.Reject, echo: true), new[] { "--json", "--allow-insecure-auth" }, 1, "\"Outcome\": \"Rejected\""),
        ["RejectedWithEchoTable"] = (() => Tls(AuthReaction.Reject, "LOGIN", echo: true), new[] { "--allow-insecure-auth" }, 1, "Rejected"),
        ["ResetMidAuthJson"] = (() => Tls(AuthReaction.Reset, echo: true), new[] { "--json", "--allow-insecure-auth" }, 1, "\"Outcome\": \"Reset\""),
        ["TimeoutMidAuthTable"] = (() => Tls(AuthReaction.Silent, echo: true), new[] { "--allow-insecure-auth", "--timeout-seconds", "2" }, 1, "Timeout"),
        ["GarbageQuotingTheSecretJson"] = (() => Tls(AuthReaction.Garbage, echo: true), new[] { "--json", "--allow-insecure-auth" }, 1, "ProtocolError"),
        ["PlaintextRefusedJson"] = (() => new AuthSmtpBehaviour(UserName, Password) { AuthBeforeTls = "PLAIN LOGIN", Echo = true }, new[] { "--json" }, 1, "AuthWithoutTls"),
        ["UntrustedCertificateRefusedTable"] = (() => Tls(AuthReaction.Accept, echo: true), Array.Empty<string>(), 1, "AuthCertificateUntrusted"),
        ["UnknownHostErrorLine"] = (null, new[] { "--json" }, 2, "mailflow: UnknownHost:"),
    };

    private static AuthSmtpBehaviour Tls(AuthReaction reaction, string mechanisms = "PLAIN LOGIN", bool echo = false) =>
        new(UserName, Password) { Certificate = TestCertificates.SelfSigned, AuthAfterTls = mechanisms, Reaction = reaction, Echo = echo };

    public static TheoryData<string> RowNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Rows.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    private readonly CredentialCliRunFixture _runs;

    public CredentialSecrecyCliTests(CredentialCliRunFixture runs) => _runs = runs;

    /// <summary>Runs one row against its own server; the fixture starts every row at once.</summary>
    internal static async Task<(ProcessResult Result, AuthSmtpBehaviour? Behaviour)> RunRowAsync(string name)
    {
        var row = Rows[name];
        var behaviour = row.Server?.Invoke();
        await using var server = behaviour is null ? null : new FakeSmtpServer(behaviour.RunAsync);
        var target = server is null ? new[] { "no-such-host.invalid" } : new[] { "127.0.0.1", "--port", server.Port.ToString(CultureInfo.InvariantCulture) };
        List<string> args = [GetSmtpStageTimingVerb.PasswordEnvironmentVariable + "=" + Password, .. TestPaths.CliCommand, "Get-SmtpStageTiming"];
        args.AddRange(target);
        args.AddRange(new[] { "--credential", UserName, "--stop-after", "Mail", "--verbose" });
        args.AddRange(row.Args);
        // The rows test secrecy, not speed: a generous stage timeout lets a CPU-starved CLI finish its TLS handshake.
        if (!row.Args.Contains("--timeout-seconds"))
        {
            args.AddRange(new[] { "--timeout-seconds", "15" });
        }

        // A thread of its own for the blocking wait, so the in-process servers never starve for pool threads.
        var r = await Task.Factory.StartNew(() => ProcessRunner.Run("env", args, TimeSpan.FromSeconds(30), standardInput: string.Empty), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return (r, behaviour);
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Nothing_the_cli_prints_holds_the_password(string name)
    {
        var row = Rows[name];
        var (r, behaviour) = await _runs.ResultOf(name);
        var all = "exit " + r.ExitCode + "\nstdout:\n" + r.StandardOutput + "\nstderr:\n" + r.StandardError;
        Assert.False(r.TimedOut, all);
        CredentialSecrecyTests.Forms.AssertAbsent(r.StandardOutput, "stdout");
        CredentialSecrecyTests.Forms.AssertAbsent(r.StandardError, "stderr");
        Assert.True(row.ExitCode == r.ExitCode, all);
        Assert.True((r.StandardOutput + r.StandardError).Contains(row.Expect, StringComparison.Ordinal), $"\"{row.Expect}\" not printed: {all}");
        Assert.DoesNotContain("Unhandled exception", r.StandardError, StringComparison.Ordinal);

        if (row.Args.Contains("--json"))
        {
            // Decoded JSON strings too: an escape sequence cannot hide a secret.
            using var doc = JsonDocument.Parse(r.StandardOutput);
            foreach (var text in Strings(doc.RootElement))
            {
                CredentialSecrecyTests.Forms.AssertAbsent(text, "a JSON string");
            }
        }

        if (behaviour is { Echo: true })
        {
            Assert.Contains("echo ****", r.StandardError, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> Strings(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                yield return e.GetString()!;
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray().SelectMany(Strings))
                {
                    yield return item;
                }

                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    yield return p.Name;
                    foreach (var item in Strings(p.Value))
                    {
                        yield return item;
                    }
                }

                break;
        }
    }
}
