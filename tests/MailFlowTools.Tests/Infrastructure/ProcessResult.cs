namespace MailFlowTools.Tests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, double ElapsedMs, bool TimedOut);
