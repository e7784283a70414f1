#if NET8_0_OR_GREATER
using System;
using System.Runtime.InteropServices;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Where OpenSSL (and so .NET on Linux) finds the system trust when no variable says otherwise, and the names of
/// those variables: asked of libcrypto itself, the library .NET loads. Also clears the variables for this process
/// (libc setenv: .NET's own Environment.SetEnvironmentVariable does not reach native code on Unix).
/// </summary>
internal static unsafe class OpenSslDefaults
{
    private static readonly string[] LibraryNames = { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" };

    public static bool TryGet(out string? file, out string? directory, out string fileVariable, out string directoryVariable)
    {
        file = directory = null;
        fileVariable = directoryVariable = string.Empty;
        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }

            if (!NativeLibrary.TryGetExport(library, "X509_get_default_cert_file", out var getFile)
                || !NativeLibrary.TryGetExport(library, "X509_get_default_cert_dir", out var getDirectory)
                || !NativeLibrary.TryGetExport(library, "X509_get_default_cert_file_env", out var getFileEnv)
                || !NativeLibrary.TryGetExport(library, "X509_get_default_cert_dir_env", out var getDirectoryEnv))
            {
                return false;
            }

            file = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)getFile)());
            directory = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)getDirectory)());
            fileVariable = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)getFileEnv)()) ?? string.Empty;
            directoryVariable = Marshal.PtrToStringUTF8(((delegate* unmanaged<IntPtr>)getDirectoryEnv)()) ?? string.Empty;
            return fileVariable.Length > 0 && directoryVariable.Length > 0;
        }

        return false;
    }

    /// <summary>Sets both variables to the empty string in this process's native environment.</summary>
    public static bool ClearForThisProcess(string fileVariable, string directoryVariable) =>
        SetEmpty(fileVariable) && SetEmpty(directoryVariable);

    private static bool SetEmpty(string name)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        byte empty = 0;
        fixed (byte* p = bytes)
        {
            return SetEnv(p, &empty, 1) == 0;
        }
    }

    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static extern int SetEnv(byte* name, byte* value, int overwrite);
}
#endif
