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

    private async Task<IReadOnlyList<SweepAttemptResult>> SweepSizeAsync(int size, CancellationToken cancellationToken)
    {
        var results = new List<SweepAttemptResult> { await AttemptAsync(size, 1, adaptive: true, cancellationToken) };
        if (results[0].Completed)
        {
            return results;
        }

        // Retries run side by side and wait the full timeout: only loss that repeats counts.
        var retries = Enumerable.Range(2, Math.Max(0, _tuning.SweepAttempts - 1))
            .Select(n => AttemptAsync(size, n, adaptive: false, cancellationToken));
        results.AddRange(await Task.WhenAll(retries));
        var failed = results.Count(r => !r.Completed && !r.CouldNotRun);
        _reporter.Verbose($"Sweep {_remote}: {size} bytes failed {failed} of {results.Count} attempts.");
        return results;
    }

    private async Task<SweepAttemptResult> AttemptAsync(int size, int attempt, bool adaptive, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Interlocked.Increment(ref _connections);
            return await AttemptOnceAsync(size, attempt, adaptive, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SweepAttemptResult> AttemptOnceAsync(int size, int attempt, bool adaptive, CancellationToken cancellationToken)
    {
        var (payload, commands) = EnvelopePayload.Build(size);
        SweepAttemptResult CouldNotRun(string why) => new() { PayloadSize = size, Attempt = attempt, CouldNotRun = true, Commands = commands, Detail = why };

        SmtpProbeConnection connection;
        try
        {
            connection = await SmtpProbeConnection.ConnectAsync(_remote, null, _timeout, cancellationToken);
        }
        catch (SocketException ex)
        {
            return CouldNotRun("connect: " + ex.SocketErrorCode);
        }
        catch (TimeoutException ex)
        {
            return CouldNotRun("connect: " + ex.Message);
        }

        using (connection)
        {
            if (!await connection.WaitForRepliesAsync(1, _timeout, cancellationToken))
            {
                return CouldNotRun("no SMTP banner");
            }

            var ehloWatch = Stopwatch.StartNew();
            await connection.SendLineAsync("EHLO " + connection.EhloArgument(), cancellationToken);
            if (!await connection.WaitForRepliesAsync(2, _timeout, cancellationToken))
            {
                return CouldNotRun("no EHLO reply");
            }

            var ehloMs = ehloWatch.Elapsed.TotalMilliseconds;
            var wait = _timeout;
            if (adaptive)
            {
                // Envelope replies normally follow as fast as EHLO's; a slow first try is retried with the full wait.
                var quick = TimeSpan.FromMilliseconds(Math.Max(1000, 10 * ehloMs));
                wait = quick < _timeout ? quick : _timeout;
            }

            var watch = Stopwatch.StartNew();
            await connection.SendAsync(payload, cancellationToken);
            var completed = await connection.WaitForRepliesAsync(2 + commands, wait, cancellationToken);
            var replies = Math.Max(0, connection.ReplyCount - 2);
            var elapsed = watch.Elapsed.TotalMilliseconds;
            string detail;
            if (completed)
            {
                detail = $"all {commands} replies in {Math.Round(elapsed).ToString(CultureInfo.InvariantCulture)} ms";
                await connection.QuitAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            else if (connection.Closed && replies > 0 && connection.ReplyCode(1 + replies) >= 400)
            {
                // The server ended the session itself (421 "too many errors" when Postfix is in stress mode, a
                // junk-command limit): its policy, not the path, so this attempt says nothing about the size.
                return CouldNotRun("the server ended the session: " + connection.ReplyLine(1 + replies));
            }
            else
            {
                detail = $"{replies} of {commands} replies within {Math.Round(wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms"
                    + (connection.Closed ? ", connection closed" : string.Empty)
                    + (replies > 0 ? "; last: " + connection.ReplyLine(1 + replies) : string.Empty);
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
