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
/// bytes of pipelined envelope commands; the size passes when every reply comes back. A failing size is
/// retried on new connections to tell random loss from loss that always hits that size.
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
    private string? _unreachable;

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
        var perSize = await Task.WhenAll(sizes.Distinct().OrderBy(s => s).Select(s => SweepSizeAsync(s, cancellationToken)));
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

    private async Task<IReadOnlyList<SweepAttemptResult>> SweepSizeAsync(int size, CancellationToken cancellationToken)
    {
        var results = new List<SweepAttemptResult> { await AttemptAsync(size, 1, cancellationToken) };
        if (results[0].Completed)
        {
            return results;
        }

        // Retries run side by side: only loss that repeats counts.
        var retries = Enumerable.Range(2, Math.Max(0, _tuning.SweepAttempts - 1))
            .Select(n => AttemptAsync(size, n, cancellationToken));
        results.AddRange(await Task.WhenAll(retries));
        var failed = results.Count(r => !r.Completed && !r.CouldNotRun);
        _reporter.Verbose($"Sweep {_remote}: {size} bytes failed {failed} of {results.Count} attempts.");
        return results;
    }

    private async Task<SweepAttemptResult> AttemptAsync(int size, int attempt, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Once a connection failed and none has worked, the remaining sizes would only wait out the same timeout.
            if (Volatile.Read(ref _unreachable) is { } why && Volatile.Read(ref _sessions) == 0)
            {
                var (_, commands) = EnvelopePayload.Build(size);
                return new SweepAttemptResult { PayloadSize = size, Attempt = attempt, CouldNotRun = true, Commands = commands, Detail = "not tried: " + why };
            }

            Interlocked.Increment(ref _connections);
            var result = await AttemptOnceAsync(size, attempt, cancellationToken);
            if (result.CouldNotRun)
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

    private async Task<SweepAttemptResult> AttemptOnceAsync(int size, int attempt, CancellationToken cancellationToken)
    {
        var (payload, commands) = EnvelopePayload.Build(size);
        SweepAttemptResult CouldNotRun(string why) => new() { PayloadSize = size, Attempt = attempt, CouldNotRun = true, Commands = commands, Detail = why };

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

            Interlocked.Increment(ref _sessions);
            await connection.SendLineAsync("EHLO " + connection.EhloArgument(), _timeout, cancellationToken);
            if (!await connection.WaitForRepliesAsync(2, _timeout, cancellationToken))
            {
                connection.Abort();
                return CouldNotRun("no EHLO reply");
            }

            // A server that answers RCPT slowly (lookups, load) is not a lost write: the wait is the full timeout,
            // counted from the last reply, so a session fails only when replies stop.
            var wait = _timeout;
            var watch = Stopwatch.StartNew();
            await connection.SendAsync(payload, _timeout, cancellationToken, $"[{size} bytes of pipelined envelope, {commands} commands, in one write]");
            var completed = await WaitWhileRepliesFlowAsync(connection, 2 + commands, wait, cancellationToken);
            var replies = Math.Max(0, connection.ReplyCount - 2);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            string detail;
            if (completed)
            {
                detail = $"all {commands} replies in {Math.Round(elapsed).ToString(CultureInfo.InvariantCulture)} ms";
                await connection.QuitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            else if (connection.Closed && replies > 0 && connection.ReplyCode(1 + replies) is >= 400 and < 600)
            {
                // The server read our bytes and ended the session itself (e.g. Postfix under stress: "421 too many
                // errors"): a server policy, not loss on the path, so this attempt says nothing about the size.
                var last = connection.ReplyLine(1 + replies);
                connection.Abort();
                return CouldNotRun($"the server ended the session after {replies} of {commands} replies: {last}");
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
            };
        }
    }
}
