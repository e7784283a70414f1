using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Cli;

/// <summary>SIGINT (Ctrl+C) ends the CLI promptly even while a command is blocked waiting.</summary>
public sealed class CliCancellationTests
{
    [Fact]
    public void Sigint_ends_a_blocked_command_within_250_ms()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Sends SIGINT to the child process; Linux only.");

        var psi = new ProcessStartInfo(TestPaths.CliCommand[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in TestPaths.CliCommand.Skip(1))
        {
            psi.ArgumentList.Add(argument);
        }

        psi.ArgumentList.Add("Resolve-SmtpStatus");
        using var process = Process.Start(psi)!;
        try
        {
            // The command now waits for an NDR on standard input, which never ends.
            var stderr = process.StandardError.ReadToEndAsync();
            Thread.Sleep(1500);
            Assert.False(process.HasExited, "The CLI should still be waiting for input.");

            // Signal in-process: spawning kill(1) would add its own start-up time to the measurement.
            var watch = Stopwatch.StartNew();
            Assert.Equal(0, NativeMethods.Kill(process.Id, NativeMethods.SigInt));
            var exited = process.WaitForExit(5000);
            watch.Stop();
            Assert.True(exited, "The CLI did not exit after SIGINT.");
            Assert.Equal(130, process.ExitCode);
            Assert.True(watch.ElapsedMilliseconds < 250, $"Exited {watch.ElapsedMilliseconds} ms after SIGINT.");
            Assert.Contains("interrupted", stderr.Result);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
