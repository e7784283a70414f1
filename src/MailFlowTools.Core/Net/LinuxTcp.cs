using System;
using System.Runtime.InteropServices;

namespace MailFlowTools.Core.Net;

/// <summary>libc socket-option calls for netstandard2.0, where Socket has no raw option API.</summary>
internal static class LinuxTcp
{
    public const int IpprotoTcp = 6;
    public const int TcpMaxSeg = 2;
    public const int TcpInfo = 11;

    [DllImport("libc", SetLastError = true, EntryPoint = "getsockopt")]
    private static extern unsafe int GetSockOpt(int fd, int level, int optname, byte* optval, ref uint optlen);

    [DllImport("libc", SetLastError = true, EntryPoint = "setsockopt")]
    private static extern unsafe int SetSockOpt(int fd, int level, int optname, byte* optval, uint optlen);

    public static unsafe int Get(IntPtr handle, int level, int name, byte[] buffer)
    {
        uint length = (uint)buffer.Length;
        fixed (byte* p = buffer)
        {
            var rc = GetSockOpt(handle.ToInt32(), level, name, p, ref length);
            return rc == 0 ? (int)length : -Marshal.GetLastWin32Error();
        }
    }

    public static unsafe int Set(IntPtr handle, int level, int name, int value)
    {
        var rc = SetSockOpt(handle.ToInt32(), level, name, (byte*)&value, sizeof(int));
        return rc == 0 ? 0 : -Marshal.GetLastWin32Error();
    }
}
