using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Brings the network fault lab (tests/lab/lab.sh) up once for the "Lab" collection and down on dispose,
/// also when bring-up failed. Does nothing unless running as root. See tests/lab/addresses.md.
/// </summary>
public sealed class LabFixture : IDisposable
{
    public const string ClientNamespace = "mfl-client";
    public const string RouterNamespace = "mfl-router";
    public const string ServerNamespace = "mfl-srv";

    private static readonly TimeSpan UpLimit = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan DownLimit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(15);

    private readonly string? rootTablesBefore;
    private readonly bool wasAlreadyUp;
    private bool disposed;

    public LabFixture()
    {
        RepoRoot = FindRepoRoot(AppContext.BaseDirectory);
        LabScript = Path.Combine(RepoRoot, "tests", "lab", "lab.sh");
        ProbeScript = Path.Combine(RepoRoot, "tests", "lab", "probe.py");
        Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        if (LabEnvironment.SkipReason is not null)
        {
            FailureReason = LabEnvironment.SkipReason;
            return;
        }

        rootTablesBefore = RootNetworkState();
        try
        {
            // A lab someone else brought up (another test run, a developer) is left as it was found.
            wasAlreadyUp = Lab(DefaultLimit, "status").ExitCode == 0;
            UpResult = Lab(UpLimit, "up");
            if (UpResult.ExitCode == 0)
            {
                IsUp = true;
            }
            else
            {
                FailureReason = "lab.sh up failed (exit " + UpResult.ExitCode + (UpResult.TimedOut ? ", timed out" : string.Empty) + "):\n"
                    + UpResult.StandardOutput + UpResult.StandardError;
            }
        }
        catch (Exception e)
        {
            FailureReason = "lab.sh up could not run: " + e.Message;
        }

        if (!IsUp && !wasAlreadyUp)
        {
            TryDown();
        }
    }

    /// <summary>The repository root (the directory holding MailFlowTools.sln(x) or .git).</summary>
    public string RepoRoot { get; }

    public string LabScript { get; }

    /// <summary>tests/lab/probe.py: connect / envelope / stall / splitdot probes (run it with <see cref="Python"/>).</summary>
    public string ProbeScript { get; }

    /// <summary>Debian's python3 (the probes need only the standard library).</summary>
    public string Python { get; }

    public bool IsUp { get; private set; }

    /// <summary>Why the lab is not usable: not root, or bring-up failed (with lab.sh's output).</summary>
    public string? FailureReason { get; }

    public ProcessResult? UpResult { get; }

    /// <summary>Fails the calling test with the reason unless the lab is up.</summary>
    public void RequireUp()
    {
        if (!IsUp)
        {
            Assert.Fail(FailureReason ?? "the lab is not up");
        }
    }

    /// <summary>Runs a command inside the client namespace (ip netns exec mfl-client …).</summary>
    public ProcessResult InClient(TimeSpan timeout, params string[] command) => InClient(command, timeout);

    /// <summary>Runs a command inside the client namespace, with optional standard input.</summary>
    public ProcessResult InClient(IEnumerable<string> command, TimeSpan timeout, string? standardInput = null) =>
        InNamespace(ClientNamespace, command, timeout, standardInput);

    /// <summary>Runs a command inside any lab namespace.</summary>
    public ProcessResult InNamespace(string networkNamespace, IEnumerable<string> command, TimeSpan timeout, string? standardInput = null)
    {
        var args = new List<string> { "netns", "exec", networkNamespace };
        args.AddRange(command);
        return ProcessRunner.Run("ip", args, timeout, standardInput, RepoRoot);
    }

    /// <summary>Runs tests/lab/probe.py in the client namespace.</summary>
    public ProcessResult Probe(TimeSpan timeout, params string[] args) =>
        InClient(new[] { Python, ProbeScript }.Concat(args), timeout);

    /// <summary>Runs a lab.sh subcommand (status, selftest, delivered, …).</summary>
    public ProcessResult Lab(TimeSpan timeout, params string[] args) =>
        ProcessRunner.Run("bash", new[] { LabScript }.Concat(args), timeout, null, RepoRoot);

    /// <summary>Messages Postfix delivered since lab-up (lab.sh delivered), read once its log has settled.</summary>
    public int Delivered()
    {
        WaitForSettledLog();
        return Count("delivered");
    }

    /// <summary>Messages that entered Postfix's queue since lab-up, delivered or not, once its log has settled.</summary>
    public int Queued()
    {
        WaitForSettledLog();
        return Count("delivered", "--queued");
    }

    /// <summary>
    /// Postfix logs a delivery a moment after it accepts the message: waits until no message is in flight
    /// (lab.sh deliveries --pending is empty twice in a row), so a count read right after a client exits is final.
    /// </summary>
    public void WaitForSettledLog()
    {
        var deadline = DateTime.UtcNow + SettleLimit;
        var quiet = 0;
        while (quiet < 2 && DateTime.UtcNow < deadline)
        {
            var r = Lab(DefaultLimit, "deliveries", "--pending");
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException("lab.sh deliveries --pending failed: " + r.StandardOutput + r.StandardError);
            }

            quiet = r.StandardOutput.Trim().Length == 0 ? quiet + 1 : 0;
            if (quiet < 2)
            {
                System.Threading.Thread.Sleep(200);
            }
        }
    }

    /// <summary>
    /// Confirms that the message Postfix accepted with <paramref name="reply"/> ("… queued as ID") was delivered to
    /// <paramref name="recipient"/>, waiting for Postfix's log, and records it in the delivery ledger.
    /// </summary>
    public string ConfirmDelivered(string test, string reply, string recipient)
    {
        var match = System.Text.RegularExpressions.Regex.Match(reply, @"queued as ([0-9A-Za-z]+)");
        Assert.True(match.Success, "no queue ID in the reply: " + reply);
        var queueId = match.Groups[1].Value;
        var deadline = DateTime.UtcNow + SettleLimit;
        bool found;
        while (!(found = Deliveries().Contains((queueId, recipient))) && DateTime.UtcNow < deadline)
        {
            System.Threading.Thread.Sleep(100);
        }

        // Recorded either way: the message was meant to be delivered, and the suite's check reports it missing.
        DeliveryLedger.Record(test, queueId, recipient);
        Assert.True(found, $"{queueId} to {recipient} was queued but never logged as delivered");
        return queueId;
    }

    /// <summary>
    /// The probe sessions whose message entered Postfix's queue (Message-ID &lt;SessionId.probe@mailflowtools.invalid&gt;),
    /// with the queue ID, once the log has settled.
    /// </summary>
    public Dictionary<string, string> QueuedProbeSessions()
    {
        WaitForSettledLog();
        var r = Lab(DefaultLimit, "deliveries", "--message-ids");
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException("lab.sh deliveries --message-ids failed: " + r.StandardOutput + r.StandardError);
        }

        const string suffix = ".probe@mailflowtools.invalid>";
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length == 2 && f[1].StartsWith('<') && f[1].EndsWith(suffix, StringComparison.Ordinal))
            .GroupBy(f => f[1][1..^suffix.Length])
            .ToDictionary(g => g.Key, g => g.First()[0]);
    }

    /// <summary>Fails if the message of one of these probe sessions entered Postfix's queue; other traffic does not count.</summary>
    public void AssertNeverQueued(IEnumerable<string> sessionIds)
    {
        var ids = sessionIds.Distinct().ToList();
        Assert.NotEmpty(ids);
        var queued = QueuedProbeSessions();
        var leaked = ids.Where(queued.ContainsKey).Select(id => id + " as " + queued[id]).ToList();
        Assert.True(leaked.Count == 0, "queued by Postfix: " + string.Join("; ", leaked));
    }

    /// <summary>Every delivery since lab-up as (queue ID, recipient), from lab.sh deliveries.</summary>
    public HashSet<(string QueueId, string Recipient)> Deliveries()
    {
        var r = Lab(DefaultLimit, "deliveries");
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException("lab.sh deliveries failed: " + r.StandardOutput + r.StandardError);
        }

        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(f => f.Length == 2)
            .Select(f => (f[0], f[1]))
            .ToHashSet();
    }

    private int Count(params string[] args)
    {
        var r = Lab(DefaultLimit, args);
        return r.ExitCode == 0 && int.TryParse(r.StandardOutput.Trim(), out var n)
            ? n
            : throw new InvalidOperationException("lab.sh delivered failed: " + r.StandardOutput + r.StandardError);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (LabEnvironment.SkipReason is not null || wasAlreadyUp)
        {
            return;
        }

        var down = TryDown();
        if (down is null || down.ExitCode != 0)
        {
            throw new InvalidOperationException("lab.sh down failed: " + down?.StandardOutput + down?.StandardError);
        }

        var after = RootNetworkState();
        if (rootTablesBefore is not null && after is not null && after != rootTablesBefore)
        {
            throw new InvalidOperationException("The root namespace changed across the lab run.\nBefore:\n" + rootTablesBefore + "\nAfter:\n" + after);
        }
    }

    /// <summary>Walks up from <paramref name="start"/> to the directory holding MailFlowTools.sln(x) or .git.</summary>
    public static string FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var p = dir.FullName;
            if (File.Exists(Path.Combine(p, "MailFlowTools.sln")) || File.Exists(Path.Combine(p, "MailFlowTools.slnx"))
                || Directory.Exists(Path.Combine(p, ".git")) || File.Exists(Path.Combine(p, ".git")))
            {
                return p;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (MailFlowTools.sln, MailFlowTools.slnx or .git) above " + start);
    }

    private ProcessResult? TryDown()
    {
        try
        {
            return Lab(DownLimit, "down");
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>ip netns list and nft list tables in the root namespace, to compare before and after.</summary>
    private string? RootNetworkState()
    {
        try
        {
            var ns = ProcessRunner.Run("ip", new[] { "netns", "list" }, DefaultLimit, null, RepoRoot);
            var nft = ProcessRunner.Run("nft", new[] { "list", "tables" }, DefaultLimit, null, RepoRoot);
            // A lab left up before the run is not part of the root namespace's own state.
            var own = ns.StandardOutput.Split('\n').Where(l => !l.StartsWith("mfl-", StringComparison.Ordinal));
            return "netns:\n" + string.Join("\n", own) + "\nnft:\n" + nft.StandardOutput;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
