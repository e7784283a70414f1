using System;

namespace MailFlowTools.Tests.Lab;

/// <summary>Whether lab tests can run here: they need root (network namespaces, nftables).</summary>
public static class LabEnvironment
{
    /// <summary>Set MAILFLOW_SKIP_LAB=1 to skip the lab tests even as root.</summary>
    public const string SkipVariable = "MAILFLOW_SKIP_LAB";

    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>Null when the lab can run; otherwise why lab tests are skipped.</summary>
    public static string? SkipReason =>
        !OperatingSystem.IsLinux() ? "The network fault lab needs Linux (network namespaces)."
        : !IsRoot ? "The network fault lab needs root (network namespaces, nftables); run the tests as root."
        : Environment.GetEnvironmentVariable(SkipVariable) is { Length: > 0 } v && v != "0" ? SkipVariable + " is set."
        : null;
}
