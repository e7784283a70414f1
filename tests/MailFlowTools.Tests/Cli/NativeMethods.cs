using System.Runtime.InteropServices;

namespace MailFlowTools.Tests.Cli;

internal static class NativeMethods
{
    public const int SigInt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);
}
