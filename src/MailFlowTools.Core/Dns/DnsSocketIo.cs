using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Cancellable socket calls for both targets. On netstandard2.0 the Task overloads take no token, so the caller
/// registers <see cref="DisposeOnCancel"/>; an operation interrupted that way surfaces as OperationCanceledException.
/// </summary>
internal static class DnsSocketIo
{
    public static CancellationTokenRegistration DisposeOnCancel(Socket socket, CancellationToken token)
    {
#if NET8_0_OR_GREATER
        return default;
#else
        return token.Register(static s => ((Socket)s!).Dispose(), socket);
#endif
    }

    public static async Task ConnectAsync(Socket socket, EndPoint endPoint, CancellationToken token)
    {
        try
        {
#if NET8_0_OR_GREATER
            await socket.ConnectAsync(endPoint, token);
#else
            await socket.ConnectAsync(endPoint);
#endif
        }
        catch (Exception ex) when (IsCancellation(ex, token))
        {
            throw new OperationCanceledException(token);
        }
    }

    public static async Task SendAsync(Socket socket, byte[] data, CancellationToken token)
    {
        var sent = 0;
        try
        {
            while (sent < data.Length)
            {
#if NET8_0_OR_GREATER
                sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None, token);
#else
                sent += await socket.SendAsync(new ArraySegment<byte>(data, sent, data.Length - sent), SocketFlags.None);
#endif
            }
        }
        catch (Exception ex) when (IsCancellation(ex, token))
        {
            throw new OperationCanceledException(token);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; false when the peer closed first.</summary>
    public static async Task<bool> ReceiveExactAsync(Socket socket, byte[] buffer, int count, CancellationToken token)
    {
        var read = 0;
        try
        {
            while (read < count)
            {
#if NET8_0_OR_GREATER
                var n = await socket.ReceiveAsync(buffer.AsMemory(read, count - read), SocketFlags.None, token);
#else
                var n = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, read, count - read), SocketFlags.None);
#endif
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return true;
        }
        catch (Exception ex) when (IsCancellation(ex, token))
        {
            throw new OperationCanceledException(token);
        }
    }

    public static async Task SendToAsync(Socket socket, byte[] data, EndPoint endPoint, CancellationToken token)
    {
        try
        {
#if NET8_0_OR_GREATER
            await socket.SendToAsync(data, SocketFlags.None, endPoint, token);
#else
            await socket.SendToAsync(new ArraySegment<byte>(data), SocketFlags.None, endPoint);
#endif
        }
        catch (Exception ex) when (IsCancellation(ex, token))
        {
            throw new OperationCanceledException(token);
        }
    }

    public static async Task<(int Length, IPEndPoint From)> ReceiveFromAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        try
        {
#if NET8_0_OR_GREATER
            var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, token);
#else
            var result = await socket.ReceiveFromAsync(new ArraySegment<byte>(buffer), SocketFlags.None, any);
#endif
            return (result.ReceivedBytes, (IPEndPoint)result.RemoteEndPoint);
        }
        catch (Exception ex) when (IsCancellation(ex, token))
        {
            throw new OperationCanceledException(token);
        }
    }

    private static bool IsCancellation(Exception ex, CancellationToken token) =>
        token.IsCancellationRequested && ex is ObjectDisposedException or SocketException or OperationCanceledException;
}
