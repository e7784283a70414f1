using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>Runs a process with a hard time limit and captures its output.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? TestPaths.RepoRoot,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }

        process.StandardInput.Close();
        var exited = process.WaitForExit((int)timeout.TotalMilliseconds);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }

            process.WaitForExit(5000);
        }

        Task.WaitAll(new Task[] { stdout, stderr }, TimeSpan.FromSeconds(5));
        return new ProcessResult(exited ? process.ExitCode : -1, stdout.Result, stderr.Result, watch.Elapsed.TotalMilliseconds, !exited);
    }

    /// <summary>Runs the built mailflow CLI (native when MAILFLOW_CLI is set), optionally inside a network namespace.</summary>
    public static ProcessResult Mailflow(IEnumerable<string> arguments, TimeSpan timeout, string? networkNamespace = null, string? standardInput = null)
    {
        List<string> args = networkNamespace is null ? [.. TestPaths.CliCommand] : ["netns", "exec", networkNamespace, .. TestPaths.CliCommand];
        var file = networkNamespace is null ? args[0] : "ip";
        if (networkNamespace is null)
        {
            args.RemoveAt(0);
        }

        args.AddRange(arguments);
        return Run(file, args, timeout, standardInput);
    }
}
