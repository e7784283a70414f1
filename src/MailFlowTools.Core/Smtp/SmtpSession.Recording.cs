using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>A Stopwatch timestamp taken by the connection, on the session clock.</summary>
    private double ToMs(long timestamp) => timestamp == 0 ? NowMs : (timestamp - _clockStart) * 1000.0 / Stopwatch.Frequency;

    private StageRecorder Begin(SmtpStage stage) => new(stage, NowMs, _connection?.ReadTcpInfo() ?? TcpInfoSnapshot.Unavailable);

    /// <summary>Writes a command and reads its reply. False for a negative reply (Reply set) or a connection failure (Reply null).</summary>
    private async Task<bool> CommandAsync(StageRecorder rec, string command, TimeSpan timeout, int expectedClass, CancellationToken ct, string? transcript = null)
    {
        try
        {
            await _connection!.WriteLineAsync(command, timeout, ct, transcript);
            rec.WireStartMs ??= ToMs(_connection.LastWriteTimestamp);
            rec.BytesSent += command.Length + 2;
        }
        catch (SmtpConnectionException ex)
        {
            rec.Outcome = ex.Outcome;
            rec.Text = ex.Message;
            return false;
        }

        return await TryReplyAsync(rec, timeout, expectedClass, ct);
    }

    private async Task<bool> TryReplyAsync(StageRecorder rec, TimeSpan timeout, int expectedClass, CancellationToken ct)
    {
        try
        {
            // The stage clock may have started at the socket call (connect, write); count the timeout from there too.
            var used = NowMs - (rec.WireStartMs ?? NowMs);
            var remaining = timeout == Timeout.InfiniteTimeSpan ? timeout : TimeSpan.FromMilliseconds(Math.Max(0, timeout.TotalMilliseconds - Math.Max(0, used)));
            rec.Reply = await _connection!.ReadReplyAsync(remaining, ct);
            rec.WireEndMs = ToMs(_connection.LastReplyTimestamp);
            rec.Outcome = OutcomeFor(rec.Reply, expectedClass);
            return rec.Outcome == SmtpStageOutcome.Ok;
        }
        catch (SmtpConnectionException ex)
        {
            rec.Outcome = ex.Outcome;
            rec.Text = ex.Message;
            return false;
        }
    }

    internal static SmtpStageOutcome OutcomeFor(SmtpReply reply, int expectedClass) => (reply.Code / 100) switch
    {
        4 => SmtpStageOutcome.TempFailed,
        5 => SmtpStageOutcome.Rejected,
        var c when c == expectedClass => SmtpStageOutcome.Ok,
        _ => SmtpStageOutcome.ProtocolError,
    };

    /// <summary>After a 4xx/5xx reply the session is still in step, so QUIT politely; after anything else, just close.</summary>
    private async Task FinishThenQuitAsync(StageRecorder rec, CancellationToken ct)
    {
        if (rec.Reply is null || rec.Outcome is not (SmtpStageOutcome.TempFailed or SmtpStageOutcome.Rejected or SmtpStageOutcome.TlsFailed))
        {
            FinishAndClose(rec);
            return;
        }

        Finish(rec);
        await QuitAsync(ct);
    }

    private void FinishAndClose(StageRecorder rec)
    {
        Finish(rec);
        _connection?.Close();
    }

    /// <summary>Ends a stage: the analyzer turns its record into findings, and the result goes out at once.</summary>
    private void Finish(StageRecorder rec, double? endMs = null)
    {
        if (rec.Stage == SmtpStage.RcptTo)
        {
            _recipientsAccepted += rec.Outcome == SmtpStageOutcome.Ok ? 1 : 0;
            _recipientsRefused += rec.Outcome == SmtpStageOutcome.Rejected ? 1 : 0;
        }

        var now = NowMs;
        var findings = SmtpStageAnalyzer.Analyze(rec, new SmtpAnalysisContext(_options, _address, _recipientsAccepted, _recipientsRefused), now - rec.StartMs);
        var start = rec.WireStartMs ?? rec.StartMs;
        var end = rec.WireEndMs ?? endMs ?? now;
        var after = _connection?.ReadTcpInfo() ?? TcpInfoSnapshot.Unavailable;
        var before = rec.Before.IsAvailable ? rec.Before : _connection?.ConnectedTcpInfo ?? TcpInfoSnapshot.Unavailable;
        long? acked = null;
        long? retrans = null;
        if (after.IsAvailable && before.IsAvailable)
        {
            acked = rec.BytesAckedOverride ?? (after.BytesAcked - before.BytesAcked);
            retrans = after.TotalRetransmits - before.TotalRetransmits;
        }
        else if (rec.BytesAckedOverride is not null)
        {
            acked = rec.BytesAckedOverride;
        }

        var result = new SmtpStageResult
        {
            SessionId = _sessionId,
            ComputerName = _options.ComputerName,
            Address = _address,
            Port = _options.Port,
            Sequence = _results.Count + 1,
            Stage = rec.Stage,
            Outcome = rec.Outcome,
            ReplyCode = rec.Reply?.Code,
            EnhancedStatus = rec.Reply?.EnhancedStatus,
            ReplyText = _secrets.Scrub(rec.Reply?.Text ?? rec.Text),
            StartMs = Math.Round(start, 3),
            ElapsedMs = Math.Round(end - start, 3),
            BytesSent = rec.BytesSent,
            BytesAcked = acked,
            Retransmits = retrans,
            RttMs = after.RttMicroseconds / 1000.0,
            SendMss = after.SendMss,
            PathMtu = after.PathMtu,
            Pipelined = rec.Pipelined,
            Recipient = rec.Recipient,
            Capabilities = rec.Capabilities ?? Array.Empty<string>(),
            TlsProtocol = rec.Tls?.Protocol,
            TlsCipher = rec.Tls?.Cipher,
            CertificateSubject = rec.Tls?.CertificateSubject,
            CertificateIssuer = rec.Tls?.CertificateIssuer,
            CertificateNotAfter = rec.Tls?.CertificateNotAfter,
            CertificateStatus = rec.Tls?.CertificateStatus,
            Findings = findings.Select(Scrub).ToArray(),
        };
        _results.Add(result);
        _reporter.Verbose(FormattableString.Invariant($"[{_sessionId}] {result.Stage} {result.Outcome} {result.ReplyCode} in {result.ElapsedMs:0.###} ms"));
        _onStage?.Invoke(result);
    }

    /// <summary>The finding itself, or a copy with any echoed secret masked in its message and evidence.</summary>
    private Finding Scrub(Finding f)
    {
        if (_secrets.IsEmpty || (!_secrets.Contains(f.Message) && !f.Evidence.Values.Any(v => v is string text && _secrets.Contains(text))))
        {
            return f;
        }

        var evidence = f.Evidence.ToDictionary(kv => kv.Key, kv => kv.Value is string text ? _secrets.Scrub(text)! : kv.Value, StringComparer.Ordinal);
        return new Finding(f.Code, f.Severity, _secrets.Scrub(f.Message)!, f.Recommendation, evidence);
    }

    private void Drop(string why)
    {
        _reporter.Transcript(new TranscriptEntry(DateTimeOffset.Now, _sessionId, TranscriptDirection.Event, why));
        _connection?.Close();
    }

    private static Exception? Unwrap(AggregateException? ex) => ex?.InnerExceptions.Count == 1 ? ex.InnerException : ex;

    private static void ObserveQuietly(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
