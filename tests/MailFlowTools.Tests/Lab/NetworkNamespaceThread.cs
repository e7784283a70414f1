using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Runs a function on a fresh thread that has joined a lab network namespace (setns affects only the calling
/// thread). Sockets keep the namespace they were created in, so a socket opened by the function stays in the lab
/// after the thread ends; anything created later on other threads is in this process's own namespace.
/// </summary>
internal static partial class NetworkNamespaceThread
{
    private const int CloneNewNet = 0x40000000;

    public static T Run<T>(string networkNamespace, Func<T> function)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/run/netns", networkNamespace));
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException("setns(" + networkNamespace + ") failed: errno " + Marshal.GetLastPInvokeError());
                }

                result = function();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        { IsBackground = true, Name = "netns " + networkNamespace };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException("In namespace " + networkNamespace + ": " + error.Message, error);
        }

        return result;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
