using System;
using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// One query over UDP. The socket is unconnected so that replies from other addresses are seen, counted and
/// ignored; only a reply from the server's address and port, with the query's ID and question, ends the wait.
/// </summary>
public static class DnsUdpExchange
{
    /// <summary>The largest UDP payload; the receive buffer is capped here.</summary>
    public const int MaxDatagramSize = 65535;

    /// <summary>
    /// Sends <paramref name="query"/> and waits up to <paramref name="timeout"/> for its answer. Timeouts, network
    /// errors and malformed replies are results; only <paramref name="cancellationToken"/> throws.
    /// </summary>
    public static async Task<DnsExchangeResult> ExchangeAsync(IPEndPoint server, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (server is null)
        {
            throw new ArgumentNullException(nameof(server));
        }

        var queryBytes = DnsMessageWriter.Write(query);
        var mismatched = 0;
        var malformed = 0;
        string? lastError = null;
        var stopwatch = new Stopwatch();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var token = timeoutSource.Token;

        DnsExchangeResult Result(DnsExchangeStatus status, DnsMessage? response = null, byte[]? bytes = null, string? error = null) => new()
        {
            Status = status,
            Transport = DnsTransport.Udp,
            Server = server,
            Query = query,
            Response = response,
            ResponseBytes = bytes,
            QuerySize = queryBytes.Length,
            ResponseSize = bytes?.Length ?? 0,
            ElapsedMs = stopwatch.Elapsed.TotalMilliseconds,
            MismatchedCount = mismatched,
            MalformedCount = malformed,
            Error = error,
        };

        Socket socket;
        try
        {
            socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        }
        catch (SocketException ex)
        {
            return Result(DnsExchangeStatus.NetworkError, error: ex.SocketErrorCode + ": " + ex.Message);
        }

        using (socket)
        using (DnsSocketIo.DisposeOnCancel(socket, token))
        {
            // Pooled: a batch sends four or five queries per domain, and a fresh 64 KiB buffer each was most of the
            // resolver's allocation. Nothing keeps it past this method: the answer is parsed and copied out below.
            var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagramSize);
            try
            {
                socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
                stopwatch.Start();
                await DnsSocketIo.SendToAsync(socket, queryBytes, server, token);
                while (true)
                {
                    // A flood that completes every receive synchronously must still end at the deadline.
                    token.ThrowIfCancellationRequested();
                    var (length, from) = await DnsSocketIo.ReceiveFromAsync(socket, buffer, token);
                    if (!from.Address.Equals(server.Address) || from.Port != server.Port)
                    {
                        mismatched++;
                        continue;
                    }

                    var span = new ReadOnlySpan<byte>(buffer, 0, length);
                    if (!DnsMessageReader.TryReadHeader(span, out var id, out var isResponse))
                    {
                        malformed++;
                        lastError = $"a {length}-byte reply is shorter than a DNS header";
                        continue;
                    }

                    if (id != query.Id || !isResponse)
                    {
                        mismatched++;
                        continue;
                    }

                    if (!DnsMessageReader.TryRead(span, out var response, out var parseError))
                    {
                        malformed++;
                        lastError = parseError!.Message;
                        continue;
                    }

                    if (!DnsResponseMatcher.Matches(query, response!))
                    {
                        mismatched++;
                        continue;
                    }

                    stopwatch.Stop();
                    return Result(DnsExchangeStatus.Response, response, span.ToArray());
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                stopwatch.Stop();
                return malformed > 0
                    ? Result(DnsExchangeStatus.Malformed, error: lastError)
                    : Result(DnsExchangeStatus.Timeout, error: lastError);
            }
            catch (SocketException ex)
            {
                // Windows reports ICMP port unreachable on an unconnected socket as ConnectionReset.
                stopwatch.Stop();
                return Result(DnsExchangeStatus.NetworkError, error: ex.SocketErrorCode + ": " + ex.Message);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
