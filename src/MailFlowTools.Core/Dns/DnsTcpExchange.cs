using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Queries over TCP (RFC 7766): each message behind a 2-byte length, several queries pipelined on one
/// connection, answers matched by ID and question in any order. Times include the TCP handshake.
/// </summary>
public static class DnsTcpExchange
{
    public static async Task<DnsExchangeResult> ExchangeAsync(IPEndPoint server, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var results = await ExchangeManyAsync(server, new[] { query }, timeout, cancellationToken);
        return results[0];
    }

    /// <summary>
    /// Sends all <paramref name="queries"/> (distinct IDs) on one connection and waits up to
    /// <paramref name="timeout"/> for all answers. Results are in query order.
    /// </summary>
    public static async Task<IReadOnlyList<DnsExchangeResult>> ExchangeManyAsync(IPEndPoint server, IReadOnlyList<DnsMessage> queries, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (server is null)
        {
            throw new ArgumentNullException(nameof(server));
        }

        if (queries is null || queries.Count == 0)
        {
            throw new ArgumentException("Give at least one query.", nameof(queries));
        }

        if (queries.Select(q => q.Id).Distinct().Count() != queries.Count)
        {
            throw new ArgumentException("Queries on one connection need distinct IDs.", nameof(queries));
        }

        var encoded = queries.Select(q => DnsMessageWriter.Write(q)).ToArray();
        var wire = new byte[encoded.Sum(e => e.Length + 2)];
        var offset = 0;
        foreach (var e in encoded)
        {
            wire[offset++] = (byte)(e.Length >> 8);
            wire[offset++] = (byte)e.Length;
            Buffer.BlockCopy(e, 0, wire, offset, e.Length);
            offset += e.Length;
        }

        var pending = new Dictionary<ushort, int>();
        for (var i = 0; i < queries.Count; i++)
        {
            pending[queries[i].Id] = i;
        }

        var answers = new DnsExchangeResult?[queries.Count];
        var mismatched = 0;
        var malformed = 0;
        string? lastError = null;
        var stopwatch = new Stopwatch();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var token = timeoutSource.Token;

        DnsExchangeResult Make(int index, DnsExchangeStatus status, DnsMessage? response = null, byte[]? bytes = null, string? error = null) => new()
        {
            Status = status,
            Transport = DnsTransport.Tcp,
            Server = server,
            Query = queries[index],
            Response = response,
            ResponseBytes = bytes,
            QuerySize = encoded[index].Length,
            ResponseSize = bytes?.Length ?? 0,
            ElapsedMs = stopwatch.Elapsed.TotalMilliseconds,
            MismatchedCount = mismatched,
            MalformedCount = malformed,
            Error = error,
        };

        IReadOnlyList<DnsExchangeResult> Finish(DnsExchangeStatus status, string? error)
        {
            stopwatch.Stop();
            for (var i = 0; i < answers.Length; i++)
            {
                answers[i] ??= Make(i, status, error: error);
            }

            return answers!;
        }

        Socket socket;
        try
        {
            socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }
        catch (SocketException ex)
        {
            return Finish(DnsExchangeStatus.NetworkError, ex.SocketErrorCode + ": " + ex.Message);
        }

        using (socket)
        using (DnsSocketIo.DisposeOnCancel(socket, token))
        {
            try
            {
                stopwatch.Start();
                await DnsSocketIo.ConnectAsync(socket, server, token);
                await DnsSocketIo.SendAsync(socket, wire, token);
                var lengthBuffer = new byte[2];
                var messageBuffer = new byte[ushort.MaxValue];
                while (pending.Count > 0)
                {
                    // A flood that completes every receive synchronously must still end at the deadline.
                    token.ThrowIfCancellationRequested();
                    if (!await DnsSocketIo.ReceiveExactAsync(socket, lengthBuffer, 2, token))
                    {
                        return Finish(DnsExchangeStatus.NetworkError, "the server closed the connection" + (lastError is null ? string.Empty : " after " + lastError));
                    }

                    // A 16-bit length cannot exceed the 65535-byte buffer.
                    var length = (lengthBuffer[0] << 8) | lengthBuffer[1];
                    if (!await DnsSocketIo.ReceiveExactAsync(socket, messageBuffer, length, token))
                    {
                        return Finish(DnsExchangeStatus.NetworkError, $"the server closed the connection inside a {length}-byte message");
                    }

                    var span = new ReadOnlySpan<byte>(messageBuffer, 0, length);
                    if (!DnsMessageReader.TryReadHeader(span, out var id, out var isResponse))
                    {
                        malformed++;
                        lastError = $"a {length}-byte message shorter than a DNS header";
                        continue;
                    }

                    if (!isResponse || !pending.TryGetValue(id, out var index))
                    {
                        mismatched++;
                        continue;
                    }

                    if (!DnsMessageReader.TryRead(span, out var response, out var parseError))
                    {
                        // Unlike a datagram, a message on our own connection with our ID cannot be forged by a
                        // third party: it is the server's answer, and it is broken. Waiting would add nothing.
                        malformed++;
                        lastError = parseError!.Message;
                        pending.Remove(id);
                        answers[index] = Make(index, DnsExchangeStatus.Malformed, bytes: span.ToArray(), error: lastError);
                        continue;
                    }

                    if (!DnsResponseMatcher.Matches(queries[index], response!))
                    {
                        mismatched++;
                        continue;
                    }

                    pending.Remove(id);
                    answers[index] = Make(index, DnsExchangeStatus.Response, response, span.ToArray());
                }

                stopwatch.Stop();
                return answers!;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Finish(malformed > 0 ? DnsExchangeStatus.Malformed : DnsExchangeStatus.Timeout, lastError);
            }
            catch (SocketException ex)
            {
                return Finish(DnsExchangeStatus.NetworkError, ex.SocketErrorCode + ": " + ex.Message);
            }
        }
    }
}
