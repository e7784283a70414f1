using System;
using System.IO;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>Preconditions of the tests that drop CAP_NET_RAW or build namespaces: a reasoned skip, never a silent pass.</summary>
public static class Privilege
{
    public const string Setpriv = "/usr/bin/setpriv";

    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>Skips unless root on Linux.</summary>
    public static void RequireRoot(string why) =>
        Assert.SkipUnless(IsRoot, "Needs root on Linux (" + why + "); run the tests as root.");

    /// <summary>Skips unless root on Linux with util-linux's setpriv, which runs the CLI without CAP_NET_RAW.</summary>
    public static void RequireSetpriv()
    {
        RequireRoot("to drop CAP_NET_RAW with setpriv");
        Assert.SkipUnless(File.Exists(Setpriv), Setpriv + " is missing (Debian package util-linux; tests/run.sh installs it as root).");
    }
}
