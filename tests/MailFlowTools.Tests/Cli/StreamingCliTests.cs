using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Tests.Dns;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// Large batches through the real mailflow CLI, against a loopback DNS server where every name is NXDOMAIN:
/// results come out while input is still arriving, Ctrl+C part-way leaves a closed JSON array or whole JSON lines,
/// --ordered keeps input order, --resume skips what an earlier run wrote, and the closing summary on stderr
/// carries the same counts whatever the output mode.
/// </summary>
public sealed class StreamingCliTests
{
    private const string Zone = "nosuch.test";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static string Name(int i) => "n" + i + "." + Zone;

    private static FakeDnsServer Dns() => new(new FakeZone().Soa(Zone));

    private static string Names(int from, int count) => string.Concat(Enumerable.Range(from, count).Select(i => Name(i) + "\n"));

    private static ProcessResult Mailflow(FakeDnsServer dns, string standardInput, params string[] args) =>
        ProcessRunner.Mailflow(new[] { "Test-MxPath", "--dns-server", dns.EndPoint.ToString() }.Concat(args), Limit, standardInput: standardInput);

    private static List<string> DomainsOfJsonLines(string output)
    {
        Assert.True(output.Length == 0 || output.EndsWith('\n'), "the last JSON line is not complete");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.GetProperty("DomainName").GetString()!;
        }).ToList();
    }

    private static string SummaryCounts(string standardError)
    {
        var line = Assert.Single(standardError.Split('\n'), l => l.StartsWith("mailflow summary: ", StringComparison.Ordinal));

        // Everything but the elapsed time and rate, which differ from run to run.
        return Regex.Replace(line, @"; [0-9.]+ s, [0-9]+ targets/s\.$", string.Empty);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--json-lines")]
    public async Task A_run_stopped_part_way_leaves_output_that_parses(string mode)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Sends SIGINT to the child process; Linux only.");
        using var dns = Dns();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { TestPaths.CliAssembly, "Test-MxPath", "--dns-server", dns.EndPoint.ToString(), "--throttle-limit", "8", mode })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var output = new MemoryStream();
        var stderr = process.StandardError.ReadToEndAsync();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Write(buffer, 0, n);
                }
            }
        });

        // Names keep coming and standard input is never closed: the run can only end part-way.
        var written = 0;
        using var feeding = new CancellationTokenSource();
        var feeder = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 1_000_000 && !feeding.IsCancellationRequested; i += 100)
                {
                    await process.StandardInput.WriteAsync(Names(i, 100));
                    await process.StandardInput.FlushAsync();
                    Volatile.Write(ref written, i + 100);
                }
            }
            catch (IOException)
            {
                // The CLI exited and closed its end.
            }
        });

        string Seen()
        {
            lock (output)
            {
                return Encoding.UTF8.GetString(output.ToArray());
            }
        }

        try
        {
            var watch = Stopwatch.StartNew();
            while (Regex.Count(Seen(), "\"DomainName\"") < 200 && watch.Elapsed < Limit && !process.HasExited)
            {
                await Task.Delay(20);
            }

            if (process.HasExited)
            {
                Assert.Fail("the CLI ended before it was stopped: " + await stderr);
            }

            Assert.Equal(0, NativeMethods.Kill(process.Id, NativeMethods.SigInt));
            Assert.True(process.WaitForExit(10_000), "the CLI did not exit after SIGINT");
            feeding.Cancel();
            await reading;
            Assert.Equal(130, process.ExitCode);
            var error = await stderr;
            Assert.Contains("mailflow: interrupted.", error, StringComparison.Ordinal);
            Assert.Contains("mailflow summary: ", error, StringComparison.Ordinal);

            var text = Seen();
            List<string> domains;
            if (mode == "--json")
            {
                using var doc = JsonDocument.Parse(text);
                Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
                domains = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("DomainName").GetString()!).ToList();
                Assert.All(doc.RootElement.EnumerateArray(), e => Assert.Equal("NoMailDomain", e.GetProperty("MxSource").GetString()));
            }
            else
            {
                domains = DomainsOfJsonLines(text);
            }

            Assert.True(domains.Count >= 200, $"{domains.Count} results");
            Assert.True(domains.Count < Volatile.Read(ref written), "every name written was tested: the stop was not part-way");
            Assert.All(domains, d => Assert.EndsWith("." + Zone, d, StringComparison.Ordinal));
            Assert.Equal(domains.Count, domains.Distinct(StringComparer.Ordinal).Count());
        }
        finally
        {
            feeding.Cancel();
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public void Ordered_keeps_input_order()
    {
        using var dns = Dns();
        var r = Mailflow(dns, Names(0, 300), "--throttle-limit", "16", "--ordered", "--json-lines");
        Assert.True(r.ExitCode == 1, r.StandardError);
        Assert.Equal(Enumerable.Range(0, 300).Select(Name), DomainsOfJsonLines(r.StandardOutput));
    }

    [Fact]
    public void Resume_skips_the_names_an_earlier_run_wrote()
    {
        using var dns = Dns();
        var file = Path.Combine(Path.GetTempPath(), "mailflow-resume-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var first = Mailflow(dns, Names(0, 40), "--json-lines");
            Assert.True(first.ExitCode == 1, first.StandardError);

            // As a killed run leaves it: a cut-off last line, whose name must be tested again.
            File.WriteAllText(file, first.StandardOutput + "{\"DomainName\":\"" + Name(40) + "\",\"MxSou");
            var second = Mailflow(dns, Names(0, 60), "--json-lines", "--resume", file);
            Assert.True(second.ExitCode == 1, second.StandardError);
            Assert.Equal(Enumerable.Range(40, 20).Select(Name), DomainsOfJsonLines(second.StandardOutput).OrderBy(d => int.Parse(d.Substring(1, d.IndexOf('.') - 1), System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains("60 targets read, 20 finished, 40 skipped (--resume)", second.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Resume_on_a_verb_without_names_is_a_usage_error()
    {
        var r = ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "4.4.7", "--resume", "/dev/null" }, Limit);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("mailflow: InvalidUsage: --resume does not apply to Resolve-SmtpStatus", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_is_the_same_in_every_output_mode_and_absent_for_one_target()
    {
        using var dns = Dns();
        var input = Names(0, 30) + Name(3) + "\nnot a domain\n";
        var text = Mailflow(dns, input);
        var json = Mailflow(dns, input, "--json");
        var lines = Mailflow(dns, input, "--json-lines");
        Assert.Equal(30, JsonDocument.Parse(json.StandardOutput).RootElement.GetArrayLength());
        Assert.Equal(30, DomainsOfJsonLines(lines.StandardOutput).Count);
        Assert.Equal(30, Regex.Count(text.StandardOutput, "^DomainName", RegexOptions.Multiline));

        var counts = SummaryCounts(json.StandardError);
        Assert.Equal("mailflow summary: 32 targets read, 31 finished, 0 skipped (--resume), 1 repeated; 30 results: NoMailDomain 30; 1 could not run", counts);
        Assert.Equal(counts, SummaryCounts(text.StandardError));
        Assert.Equal(counts, SummaryCounts(lines.StandardError));
        Assert.All(new[] { text, json, lines }, r => Assert.Equal(2, r.ExitCode));

        // Standard output is data only: the JSON Lines output has nothing but the objects.
        Assert.DoesNotContain("summary", lines.StandardOutput, StringComparison.Ordinal);

        var single = Mailflow(dns, string.Empty, Name(1), "--json");
        Assert.Equal(1, single.ExitCode);
        Assert.Equal(string.Empty, single.StandardError);
    }

    [Fact]
    public void Help_documents_the_batch_options_and_which_property_names_a_target()
    {
        var overview = ProcessRunner.Mailflow(new[] { "--help" }, Limit).StandardOutput;
        foreach (var word in new[] { "--json-lines", "--ordered", "--resume", "summary line", "standard error" })
        {
            Assert.Contains(word, overview, StringComparison.Ordinal);
        }

        foreach (var (verb, property) in new[] { ("Test-MxPath", "DomainName"), ("Debug-MailFlow", "DomainName"), ("Test-EdnsReachability", "Name"), ("Find-MtuBlackHole", "ComputerName"), ("Get-SmtpStageTiming", "ComputerName") })
        {
            var help = ProcessRunner.Mailflow(new[] { verb, "--help" }, Limit).StandardOutput;
            Assert.Contains("--json-lines", help, StringComparison.Ordinal);
            Assert.Contains("a name is its result's " + property + ".", help, StringComparison.Ordinal);
        }

        Assert.Contains("Not for this command", ProcessRunner.Mailflow(new[] { "Resolve-SmtpStatus", "--help" }, Limit).StandardOutput, StringComparison.Ordinal);
    }
}
