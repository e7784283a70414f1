using System;
using System.Diagnostics;
using System.IO;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// A fact that needs the network lab: skipped with the reason when not root, when the lab's client namespace is
/// missing, or when the mailflow CLI was not built next to the tests.
/// </summary>
public sealed class EdnsLabFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> SkipReason = new(FindSkipReason);

    public EdnsLabFactAttribute()
    {
        if (SkipReason.Value is { } reason)
        {
            Skip = reason;
        }
    }

    public static string MailflowDll => Path.Combine(AppContext.BaseDirectory, "mailflow.dll");

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The network lab runs on Linux only.";
        }

        if (Environment.UserName != "root" && !File.Exists("/run/netns/mfl-client"))
        {
            return "Lab tests need root and the lab (tests/lab/lab.sh up).";
        }

        if (!File.Exists("/run/netns/mfl-client"))
        {
            return "The lab is not up (no mfl-client namespace); run tests/lab/lab.sh up.";
        }

        if (Environment.UserName != "root")
        {
            return "Lab tests need root to enter the lab's namespaces.";
        }

        if (!File.Exists(MailflowDll))
        {
            return "mailflow.dll was not built next to the tests.";
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo("ip", "netns exec mfl-client true") { RedirectStandardError = true, RedirectStandardOutput = true });
            if (probe is null || !probe.WaitForExit(10000) || probe.ExitCode != 0)
            {
                return "Cannot enter the mfl-client namespace.";
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "The ip command is not available.";
        }

        return null;
    }
}
