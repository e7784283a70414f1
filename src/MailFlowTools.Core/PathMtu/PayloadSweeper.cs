using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// The size sweep: for each payload size, a fresh SMTP connection; after EHLO one write of exactly that many
/// bytes, pipelined envelope commands when the server advertises PIPELINING, else one NOOP carrying its own
/// padding (RFC 2920: no groups to a server that did not offer them); the size passes when every reply comes
/// back. A failing size is retried on new connections to tell random loss from loss that always hits that size.
/// A session the server ends at one of its limits measures nothing: the size is tried once more as a single
/// command on a new session, and stays Inconclusive if that does not measure it either. At most
/// <see cref="SessionsPerSize"/> sessions per size are opened.
/// </summary>
internal sealed class PayloadSweeper : IDisposable
{
    private readonly IPEndPoint _remote;
    private readonly TimeSpan _timeout;
    private readonly MtuSearchTuning _tuning;
    private readonly IEngineReporter _reporter;
    private readonly SemaphoreSlim _gate;
    private int _connections;
    private int _sessions;
    private int _budget;
    private string? _unreachable;

    /// <summary>The per-size session bound: the first attempt, its retries, one single-command retry after a server limit.</summary>
    public int SessionsPerSize => Math.Max(1, _tuning.SweepAttempts) + 1;

    public PayloadSweeper(IPEndPoint remote, TimeSpan timeout, MtuSearchTuning tuning, IEngineReporter reporter)
    {
        _remote = remote;
        _timeout = timeout;
        _tuning = tuning;
        _reporter = reporter;
        _gate = new SemaphoreSlim(Math.Max(1, tuning.SweepConcurrency));
    }

    public int ConnectionsMade => Volatile.Read(ref _connections);

    public async Task<IReadOnlyList<SweepAttemptResult>> RunAsync(IReadOnlyList<int> sizes, CancellationToken cancellationToken)
    {
        var distinct = sizes.Distinct().OrderBy(s => s).ToList();
        Volatile.Write(ref _budget, distinct.Count * SessionsPerSize);
        var perSize = await Task.WhenAll(distinct.Select(s => SweepSizeAsync(s, cancellationToken)));
        return perSize.SelectMany(r => r).ToList();
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Waits for <paramref name="count"/> replies; every new reply restarts the idle wait.</summary>
    private static async Task<bool> WaitWhileRepliesFlowAsync(SmtpProbeConnection connection, int count, TimeSpan idle, CancellationToken cancellationToken)
    {
        var seen = connection.ReplyCount;
        while (true)
        {
            if (await connection.WaitForRepliesAsync(count, idle, cancellationToken))
            {
                return true;
            }

            var now = connection.ReplyCount;
            if (now == seen || connection.Closed)
            {
                return false;
            }

            seen = now;
        }
    }

    /// <summary>A 421 or 554 that ends the session, or a reply that says "too many", is the server's own limit.</summary>
    private static bool IsServerLimit(SmtpProbeConnection connection, int index)
    {
        var code = connection.ReplyCode(index);
        var line = connection.ReplyLine(index);
        return (connection.Closed && code is >= 400 and < 600)
            || code is 421 or 554
            || line.IndexOf("too many", StringComparison.OrdinalIgnoreCase) >= 0;
    }

    private async Task<IReadOnlyList<SweepAttemptResult>> SweepSizeAsync(int size, CancellationToken cancellationToken)
    {
        var results = new List<SweepAttemptResult> { await AttemptAsync(size, 1, null, cancellationToken) };
        if (results[0].ServerLimit && results[0].Method == SweepWriteMethod.PipelinedEnvelope)
        {
            // The envelope's command count hit the server's limit: one command cannot.
            _reporter.Verbose($"Sweep {_remote}: {size} bytes: {results[0].Detail}; trying it as one command on a new session.");
            results.Add(await AttemptAsync(size, 2, SweepWriteMethod.SingleCommand, cancellationToken));
            return results;
        }

        if (results[0].Completed)
        {
            return results;
        }

        // Retries run side by side: only loss that repeats counts.
        var retries = Enumerable.Range(2, Math.Max(0, _tuning.SweepAttempts - 1))
            .Select(n => AttemptAsync(size, n, results[0].Method, cancellationToken));
        results.AddRange(await Task.WhenAll(retries));
        var failed = results.Count(r => !r.Completed && !r.CouldNotRun);
        _reporter.Verbose($"Sweep {_remote}: {size} bytes failed {failed} of {results.Count} attempts.");
        return results;
    }

    private async Task<SweepAttemptResult> AttemptAsync(int size, int attempt, SweepWriteMethod? method, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Once a connection failed and none has worked, the remaining sizes would only wait out the same timeout.
            if (Volatile.Read(ref _unreachable) is { } why && Volatile.Read(ref _sessions) == 0)
            {
                return new SweepAttemptResult { PayloadSize = size, Attempt = attempt, CouldNotRun = true, Method = method ?? SweepWriteMethod.PipelinedEnvelope, Detail = "not tried: " + why };
            }

            if (Interlocked.Decrement(ref _budget) < 0)
            {
                return new SweepAttemptResult { PayloadSize = size, Attempt = attempt, CouldNotRun = true, Method = method ?? SweepWriteMethod.PipelinedEnvelope, Detail = "not tried: the sweep's session budget for this host is spent" };
            }

            Interlocked.Increment(ref _connections);
            var result = await AttemptOnceAsync(size, attempt, method, cancellationToken);
            if (result.CouldNotRun && !result.ServerLimit)
            {
                Volatile.Write(ref _unreachable, result.Detail);
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SweepAttemptResult> AttemptOnceAsync(int size, int attempt, SweepWriteMethod? method, CancellationToken cancellationToken)
    {
        var writeMethod = method ?? SweepWriteMethod.PipelinedEnvelope;
        var commands = 0;
        SweepAttemptResult CouldNotRun(string why) => new() { PayloadSize = size, Attempt = attempt, CouldNotRun = true, Commands = commands, Method = writeMethod, Detail = why };

        SmtpProbeConnection connection;
        try
        {
            connection = await SmtpProbeConnection.ConnectAsync(_remote, null, _timeout, _reporter, $"mtu-sweep-{size}#{attempt}", cancellationToken);
        }
        catch (SmtpConnectionException ex)
        {
            return CouldNotRun("connect: " + ex.Message);
        }

        using (connection)
        {
            if (!await connection.WaitForRepliesAsync(1, _timeout, cancellationToken))
            {
                connection.Abort();
                return CouldNotRun("no SMTP banner");
            }

            if (connection.ReplyCode(0) is >= 400 and < 600)
            {
                // "421 too many connections": the server's session limit, not the path.
                var refusal = connection.ReplyLine(0);
                connection.Abort();
                return new SweepAttemptResult { PayloadSize = size, Attempt = attempt, CouldNotRun = true, ServerLimit = true, Method = writeMethod, Detail = "the server refused the session: " + refusal };
            }

            Interlocked.Increment(ref _sessions);
            await connection.SendLineAsync("EHLO " + connection.EhloArgument(), _timeout, cancellationToken);
            if (!await connection.WaitForRepliesAsync(2, _timeout, cancellationToken))
            {
                connection.Abort();
                return CouldNotRun("no EHLO reply");
            }

            // RFC 2920: a group only to a server that offers PIPELINING; otherwise one command carries the size.
            writeMethod = method ?? (connection.Advertises(1, "PIPELINING") ? SweepWriteMethod.PipelinedEnvelope : SweepWriteMethod.SingleCommand);
            byte[] payload;
            if (writeMethod == SweepWriteMethod.PipelinedEnvelope)
            {
                (payload, commands) = EnvelopePayload.Build(size);
            }
            else
            {
                (payload, commands) = (SingleCommandPayload.Build(size), 1);
            }

            // A server that answers RCPT slowly (lookups, load) is not a lost write: the wait is the full timeout,
            // counted from the last reply, so a session fails only when replies stop.
            var wait = _timeout;
            var watch = Stopwatch.StartNew();
            var what = writeMethod == SweepWriteMethod.PipelinedEnvelope ? $"pipelined envelope, {commands} commands" : "one NOOP with padding";
            await connection.SendAsync(payload, _timeout, cancellationToken, $"[{size} bytes of {what}, in one write]");
            var completed = await WaitWhileRepliesFlowAsync(connection, 2 + commands, wait, cancellationToken);
            var replies = Math.Max(0, connection.ReplyCount - 2);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            string detail;
            if (completed)
            {
                detail = $"all {commands} replies in {Math.Round(elapsed).ToString(CultureInfo.InvariantCulture)} ms";
                await connection.QuitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            else if (replies > 0 && IsServerLimit(connection, 1 + replies))
            {
                // The server read our bytes and ended the session at one of its limits (Exim: "554 Too many nonmail
                // commands"; Postfix under stress: "421 too many errors"): a server policy, not loss on the path,
                // so this attempt says nothing about the size.
                var last = connection.ReplyLine(1 + replies);
                connection.Abort();
                return new SweepAttemptResult
                {
                    PayloadSize = size, Attempt = attempt, CouldNotRun = true, ServerLimit = true, Commands = commands, Method = writeMethod,
                    RepliesReceived = replies, Detail = $"the server ended the session at its limit after {replies} of {commands} replies: {last}",
                };
            }
            else
            {
                detail = $"{replies} of {commands} replies within {Math.Round(wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms"
                    + (connection.Closed ? ", connection closed" : string.Empty)
                    + (replies > 0 ? "; last: " + connection.ReplyLine(1 + replies) : string.Empty);
                connection.Abort();
            }

            return new SweepAttemptResult
            {
                PayloadSize = size,
                Attempt = attempt,
                Completed = completed,
                Commands = commands,
                RepliesReceived = replies,
                ReplyMs = completed ? Math.Round(elapsed, 3) : null,
                Detail = detail,
                Method = writeMethod,
            };
        }
    }
}
