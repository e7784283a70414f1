namespace MailFlowTools.Tests.Infrastructure;

/// <summary>
/// How a <see cref="SpawnedProcess"/> ended: exit code (-1 when killed by a signal), the signal, whether the test
/// had to kill it, its peak resident set in KiB (sampled VmHWM, -1 if never read), the stopwatch timestamp of the exit, and the
/// time from spawn to exit.
/// </summary>
internal sealed record SpawnedExit(int ExitCode, int Signal, bool TimedOut, long PeakRssKib, long ExitTimestamp, double ElapsedMs);
