using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>
/// A child process started with posix_spawn and reaped with wait4 (Linux), so the test gets what
/// <see cref="Process"/> cannot give: the child's peak resident set and the exact moment it exited.
/// Standard output and error go to files; standard input is /dev/null. The runtime only reaps the children it
/// started itself, so waiting here does not race with it.
/// Peak memory is the child's own VmHWM (/proc/PID/status), sampled every millisecond or two until it exits:
/// wait4's ru_maxrss cannot be used, because posix_spawn starts the child on the parent's address space and the
/// kernel carries that address space's high-water mark (the whole test host's) into ru_maxrss at exec.
/// VmHWM only grows, so the last sample misses at most what the child added in its final sampling interval,
/// while it was already shutting down.
/// </summary>
internal sealed unsafe class SpawnedProcess : IDisposable
{
    private readonly Thread _waiter;
    private readonly Thread _sampler;
    private long _peakKib = -1;
    private readonly ManualResetEventSlim _exited = new();
    private readonly long _started;
    private SpawnedExit? _exit;

    private SpawnedProcess(int pid, long started, string standardOutputPath, string standardErrorPath)
    {
        Pid = pid;
        _started = started;
        StandardOutputPath = standardOutputPath;
        StandardErrorPath = standardErrorPath;
        // A blocking wait4 on its own thread: the exit is seen the moment it happens, not at the next poll.
        _waiter = new Thread(Wait) { IsBackground = true, Name = "wait4 " + pid };
        _waiter.Start();
        _sampler = new Thread(Sample) { IsBackground = true, Name = "VmHWM " + pid };
        _sampler.Start();
    }

    public int Pid { get; }

    public string StandardOutputPath { get; }

    public string StandardErrorPath { get; }

    public bool HasExited => _exited.IsSet;

    public static bool IsSupported => OperatingSystem.IsLinux();

    public const string UnsupportedReason = "Spawns and signals the CLI through posix_spawn and kill; Linux only.";

    /// <summary>Starts <paramref name="file"/> (searched on PATH) with <paramref name="arguments"/>.</summary>
    public static SpawnedProcess Start(string file, IReadOnlyList<string> arguments, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var stdoutPath = Path.Combine(outputDirectory, "stdout-" + Guid.NewGuid().ToString("N") + ".txt");
        var stderrPath = Path.ChangeExtension(stdoutPath, ".err");

        var argv = new List<string> { file };
        argv.AddRange(arguments);
        var environment = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            environment.Add(e.Key + "=" + e.Value);
        }

        var allocations = new List<IntPtr>();
        var fileActions = Marshal.AllocHGlobal(512);
        var attributes = Marshal.AllocHGlobal(1024);
        var signals = Marshal.AllocHGlobal(256);
        try
        {
            Check(NativeSpawn.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            Check(NativeSpawn.posix_spawn_file_actions_addopen(fileActions, 0, "/dev/null", NativeSpawn.O_RDONLY, 0), "addopen stdin");
            Check(NativeSpawn.posix_spawn_file_actions_addopen(fileActions, 1, stdoutPath, NativeSpawn.O_WRONLY | NativeSpawn.O_CREAT | NativeSpawn.O_TRUNC, 0x1A4), "addopen stdout");
            Check(NativeSpawn.posix_spawn_file_actions_addopen(fileActions, 2, stderrPath, NativeSpawn.O_WRONLY | NativeSpawn.O_CREAT | NativeSpawn.O_TRUNC, 0x1A4), "addopen stderr");

            // Default dispositions and an empty mask: an ignored SIGINT would otherwise be inherited across exec.
            Check(NativeSpawn.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            _ = NativeSpawn.sigemptyset(signals);
            Check(NativeSpawn.posix_spawnattr_setsigmask(attributes, signals), "setsigmask");
            foreach (var s in new[] { NativeSpawn.SIGINT, NativeSpawn.SIGTERM, NativeSpawn.SIGQUIT, NativeSpawn.SIGPIPE })
            {
                _ = NativeSpawn.sigaddset(signals, s);
            }

            Check(NativeSpawn.posix_spawnattr_setsigdefault(attributes, signals), "setsigdefault");
            Check(NativeSpawn.posix_spawnattr_setflags(attributes, NativeSpawn.POSIX_SPAWN_SETSIGDEF | NativeSpawn.POSIX_SPAWN_SETSIGMASK), "setflags");

            var argvBlock = ToNativeArray(argv, allocations);
            var envBlock = ToNativeArray(environment, allocations);
            int pid;
            var started = Stopwatch.GetTimestamp();
            Check(NativeSpawn.posix_spawnp(&pid, file, fileActions, attributes, argvBlock, envBlock), "posix_spawnp " + file);
            return new SpawnedProcess(pid, started, stdoutPath, stderrPath);
        }
        finally
        {
            _ = NativeSpawn.posix_spawn_file_actions_destroy(fileActions);
            _ = NativeSpawn.posix_spawnattr_destroy(attributes);
            Marshal.FreeHGlobal(fileActions);
            Marshal.FreeHGlobal(attributes);
            Marshal.FreeHGlobal(signals);
            foreach (var p in allocations)
            {
                Marshal.FreeHGlobal(p);
            }
        }
    }

    /// <summary>Sends a signal; returns the stopwatch timestamp taken just before it.</summary>
    public long Signal(int signal)
    {
        var at = Stopwatch.GetTimestamp();
        if (!HasExited && NativeSpawn.kill(Pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return at;
    }

    /// <summary>Waits for the exit; past <paramref name="timeout"/> the child is killed (and reported as timed out).</summary>
    public SpawnedExit WaitForExit(TimeSpan timeout)
    {
        if (!_exited.Wait(timeout))
        {
            _ = NativeSpawn.kill(Pid, NativeSpawn.SIGKILL);
            _exited.Wait(TimeSpan.FromSeconds(10));
            return (_exit ?? throw new InvalidOperationException("The child " + Pid + " could not be reaped.")) with { TimedOut = true };
        }

        return _exit!;
    }

    public string ReadStandardOutput() => File.ReadAllText(StandardOutputPath);

    public string ReadStandardError() => File.ReadAllText(StandardErrorPath);

    public void Dispose()
    {
        if (!HasExited)
        {
            _ = NativeSpawn.kill(Pid, NativeSpawn.SIGKILL);
            _exited.Wait(TimeSpan.FromSeconds(10));
        }

        if (HasExited)
        {
            // Only once the waiter is done with it.
            _exited.Dispose();
        }

        TryDelete(StandardOutputPath);
        TryDelete(StandardErrorPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the temporary directory.
        }
    }

    private void Wait()
    {
        int status;
        int result;
        do
        {
            result = NativeSpawn.wait4(Pid, &status, 0, null);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == NativeSpawn.EINTR);

        var ended = Stopwatch.GetTimestamp();
        _sampler.Join();
        _exit = result < 0
            ? new SpawnedExit(-1, 0, false, -1, ended, Stopwatch.GetElapsedTime(_started, ended).TotalMilliseconds)
            : new SpawnedExit(
                (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1,
                status & 0x7F,
                false,
                Volatile.Read(ref _peakKib),
                ended,
                Stopwatch.GetElapsedTime(_started, ended).TotalMilliseconds);
        _exited.Set();
    }

    private void Sample()
    {
        // Zombie or gone: no VmHWM line any more. The pid cannot be reused before the waiter reaps it.
        var path = "/proc/" + Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/status";
        while (true)
        {
            long hwm = -1;
            try
            {
                foreach (var line in File.ReadLines(path))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        hwm = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            if (hwm < 0)
            {
                return;
            }

            if (hwm > Volatile.Read(ref _peakKib))
            {
                Volatile.Write(ref _peakKib, hwm);
            }

            Thread.Sleep(1);
        }
    }

    private static IntPtr* ToNativeArray(List<string> strings, List<IntPtr> allocations)
    {
        var block = Marshal.AllocHGlobal(IntPtr.Size * (strings.Count + 1));
        allocations.Add(block);
        var array = (IntPtr*)block;
        for (var i = 0; i < strings.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(strings[i] + "\0");
            array[i] = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, array[i], bytes.Length);
            allocations.Add(array[i]);
        }

        array[strings.Count] = IntPtr.Zero;
        return array;
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"{what} failed: error {error}");
        }
    }
}
