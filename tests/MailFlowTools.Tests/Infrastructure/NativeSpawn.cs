using System;
using System.Runtime.InteropServices;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>glibc's posix_spawn, wait4 and kill (Linux, LP64), for <see cref="SpawnedProcess"/>.</summary>
internal static unsafe partial class NativeSpawn
{
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int EINTR = 4;
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CREAT = 0x40;
    public const int O_TRUNC = 0x200;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int wait4(int pid, int* status, int options, void* usage);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawnp(int* pid, string file, IntPtr fileActions, IntPtr attributes, IntPtr* argv, IntPtr* envp);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_init(IntPtr fileActions);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addopen(IntPtr fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_destroy(IntPtr fileActions);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawnattr_init(IntPtr attributes);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawnattr_setflags(IntPtr attributes, short flags);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawnattr_setsigmask(IntPtr attributes, IntPtr signals);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawnattr_setsigdefault(IntPtr attributes, IntPtr signals);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawnattr_destroy(IntPtr attributes);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sigemptyset(IntPtr set);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sigaddset(IntPtr set, int signal);
}
