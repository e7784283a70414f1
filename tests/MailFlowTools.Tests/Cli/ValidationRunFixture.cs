using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Tests.Dns;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// Starts every row of <see cref="InputValidationTests.Rows"/> at once (a few CLI processes at a time), so the
/// table costs the CPU time of its processes, not the sum of their waits. A loopback DNS server answers the rows
/// that need a resolver (NXDOMAIN for everything), so nothing waits on a timeout.
/// </summary>
public sealed class ValidationRunFixture : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly FakeDnsServer _dns = new();
    private readonly Dictionary<string, Task<ProcessResult>> _runs;

    public ValidationRunFixture()
    {
        var dns = _dns.EndPoint.Address + ":" + _dns.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var gate = new SemaphoreSlim(4);
        var canDropPrivileges = OperatingSystem.IsLinux() && Environment.UserName == "root";
        _runs = InputValidationTests.Rows
            .Where(r => !r.Unprivileged || canDropPrivileges)
            .ToDictionary(r => r.Name, r => Task.Factory.StartNew(
                () =>
                {
                    // Threads of their own for the blocking waits, so the in-process DNS server never starves.
                    gate.Wait();
                    try
                    {
                        return Run(r, dns);
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default));
    }

    public Task<ProcessResult> ResultOf(string rowName) => _runs[rowName];

    public void Dispose()
    {
        Task.WaitAll(_runs.Values.ToArray<Task>(), Limit);
        _dns.Dispose();
    }

    private static ProcessResult Run(ValidationRow row, string dns)
    {
        var args = row.Args.Select(a => a.Replace("{dns}", dns, StringComparison.Ordinal)).ToList();
        if (!row.Unprivileged)
        {
            return ProcessRunner.Mailflow(args, Limit, standardInput: string.Empty);
        }

        // nobody:nogroup, no supplementary groups: no CAP_NET_RAW, and outside ping_group_range unless it is wide open.
        List<string> command = ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", .. TestPaths.CliCommand];
        command.AddRange(args);
        return ProcessRunner.Run("setpriv", command, Limit, standardInput: string.Empty);
    }
}
