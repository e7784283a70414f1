using System;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>A theory that needs root on Linux (to drop privileges with setpriv); skipped with the reason otherwise.</summary>
public sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "Needs root on Linux, to run the CLI as an unprivileged user with setpriv.";
        }
    }
}
