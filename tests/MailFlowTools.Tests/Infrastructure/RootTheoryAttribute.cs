using System;
using System.Runtime.CompilerServices;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>A theory that needs root on Linux (to drop privileges with setpriv); skipped with the reason otherwise.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "Needs root on Linux, to run the CLI as an unprivileged user with setpriv.";
        }
    }
}
