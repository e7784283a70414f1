using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

internal sealed partial class SmtpSession
{
    private const int BodyChunkSize = 16 * 1024;

    private async Task<bool> BodyAsync(Task<SmtpReply> pendingReply, CancellationToken ct)
    {
        var recipients = _options.To.Count > 0 ? _options.To[0] : SmtpEnvelope.DefaultRecipient(_options.ComputerName);
        var size = _options.MessageSize > 0 ? _options.MessageSize : SmtpMessageBuilder.DefaultSize;
        var data = SmtpMessageBuilder.Build(size, _sessionId, _options.From, recipients, DateTimeOffset.Now);
        if (_capabilities.SizeLimit is long limit && limit > 0 && data.Length > limit)
        {
            _reporter.Warning($"The message ({data.Length} bytes) is larger than the server's SIZE limit ({limit} bytes).");
        }

        var rec = Begin(SmtpStage.Body);
        var conn = _connection!;
        var baseline = rec.Before;
        var writtenBefore = conn.BytesWritten;
        _reporter.Transcript(new TranscriptEntry(DateTimeOffset.Now, _sessionId, TranscriptDirection.Sent, $"[message data: {data.Length} bytes in writes of up to {BodyChunkSize}]"));

        using var bodyCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long? firstWriteTimestamp = null;
        var canMonitor = baseline.IsAvailable && baseline.BytesAcked is not null;

        // With TCP_INFO the monitor below owns the data timeout (no new ACK for DataBlock); a write blocked on a full
        // send buffer must not time out on its own first. Without TCP_INFO each write has the data-block timeout.
        var writeTimeout = canMonitor ? Timeout.InfiniteTimeSpan : Timeouts.DataBlock;
        var writer = WriteBodyAsync(conn, data, writeTimeout, ts => firstWriteTimestamp ??= ts, bodyCts.Token);
        ObserveQuietly(writer);
        var monitor = new TransferMonitor(baseline, conn.ConnectedTcpInfo, NowMs, _options.StallThreshold);
        SmtpStageOutcome? outcome = null;
        double? firstWriteMs = null;
        var previousPollMs = rec.StartMs;
        try
        {
            while (outcome is null)
            {
                // While writing, wake on the writer or every poll interval; once everything is written, poll
                // every millisecond so the stage ends within ~1 ms of the last acknowledgement.
                if (writer.IsCompleted)
                {
                    await Task.WhenAny(Task.Delay(1, ct), pendingReply);
                }
                else
                {
                    await Task.WhenAny(Task.Delay(_options.TransferPollInterval, ct), writer, pendingReply);
                }

                ct.ThrowIfCancellationRequested();
                var now = NowMs;
                var snapshot = conn.ReadTcpInfo();
                if (firstWriteMs is null && conn.LastWriteTimestamp != 0 && conn.BytesWritten > writtenBefore)
                {
                    firstWriteMs = ToMs(firstWriteTimestamp ?? conn.LastWriteTimestamp);
                }

                monitor.Observe(snapshot, now, conn.BytesWritten - writtenBefore);

                if (pendingReply.IsCompleted)
                {
                    // The server spoke in the middle of the data: a 421 timeout, a 552 size limit, or it closed.
                    if (pendingReply.Status == TaskStatus.RanToCompletion)
                    {
                        rec.Reply = pendingReply.Result;
                        outcome = OutcomeFor(rec.Reply, 3) == SmtpStageOutcome.Ok ? SmtpStageOutcome.ProtocolError : OutcomeFor(rec.Reply, 3);
                    }
                    else
                    {
                        var ex = Unwrap(pendingReply.Exception);
                        ct.ThrowIfCancellationRequested();
                        outcome = ex is SmtpConnectionException sce ? sce.Outcome : SmtpStageOutcome.Closed;
                        rec.Text = ex?.Message;
                    }

                    break;
                }

                if (writer.IsFaulted)
                {
                    var ex = Unwrap(writer.Exception);
                    ct.ThrowIfCancellationRequested();
                    outcome = ex is SmtpConnectionException sce ? sce.Outcome : SmtpStageOutcome.Closed;
                    rec.Text = ex?.Message;
                    break;
                }

                if (writer.Status == TaskStatus.RanToCompletion && (!canMonitor || monitor.AllAcknowledged(snapshot)))
                {
                    // The last ACK came between the previous poll and this one; the kernel's "ms since last ACK"
                    // (jiffies, up to 4 ms coarse) narrows it when this poll ran late.
                    var lower = Math.Max(previousPollMs, firstWriteMs ?? previousPollMs);
                    var end = (lower + now) / 2;
                    if (now - lower > 3 && snapshot.LastAckReceivedMsAgo is long ago)
                    {
                        end = Math.Max(lower, Math.Min(now, now - ago - 2));
                    }

                    rec.WireStartMs = firstWriteMs;
                    rec.WireEndMs = end;
                    outcome = SmtpStageOutcome.Ok;
                    break;
                }

                previousPollMs = now;
                var idle = now - (canMonitor ? monitor.LastProgressMs : rec.StartMs);
                if (idle >= Timeouts.DataBlock.TotalMilliseconds)
                {
                    outcome = SmtpStageOutcome.Timeout;
                    rec.Text = canMonitor
                        ? $"No acknowledgement of message data for {Timeouts.DataBlock.TotalSeconds:0.###} s."
                        : $"The message data was not written within {Timeouts.DataBlock.TotalSeconds:0.###} s.";
                    break;
                }
            }
        }
        finally
        {
            bodyCts.Cancel();
        }

        rec.Outcome = outcome.Value;
        rec.BytesSent = conn.BytesWritten - writtenBefore;
        if (canMonitor)
        {
            rec.BytesAckedOverride = monitor.BodyBytesAcked(rec.BytesSent);
        }

        if (rec.Outcome != SmtpStageOutcome.Ok && canMonitor && monitor.StallDetected)
        {
            rec.Stall = new TransferStall
            {
                StreamBytesAcked = monitor.StreamBytesAcked,
                MessageBytesAcked = monitor.BodyBytesAcked(rec.BytesSent),
                MessageBytesWritten = rec.BytesSent,
                MessageBytes = data.Length,
                StallDetectedAtMs = monitor.StallDetectedAtMs - rec.StartMs,
                LastAckAtMs = monitor.LastProgressMs - rec.StartMs,
                Retransmits = monitor.RetransmitsSinceStall,
                Last = monitor.Last,
            };
        }

        if (rec.Outcome == SmtpStageOutcome.Ok)
        {
            Finish(rec);
            return true;
        }

        FinishAndClose(rec);
        return false;
    }


    private static async Task WriteBodyAsync(SmtpConnection conn, byte[] data, TimeSpan writeTimeout, Action<long> firstWrite, CancellationToken ct)
    {
        for (var offset = 0; offset < data.Length; offset += BodyChunkSize)
        {
            var count = Math.Min(BodyChunkSize, data.Length - offset);
            await conn.WriteAsync(data, offset, count, writeTimeout, ct, string.Empty);
            if (offset == 0)
            {
                firstWrite(conn.LastWriteTimestamp);
            }
        }
    }

    private async Task<bool> EndOfDataAsync(Task<SmtpReply> pendingReply, CancellationToken ct)
    {
        var rec = Begin(SmtpStage.EndOfData);
        var conn = _connection!;
        try
        {
            if (_options.SplitEndOfData)
            {
                await conn.WriteAsync(new[] { (byte)'.' }, 0, 1, Timeouts.DataTermination, ct, ". [alone in its own write]");
                rec.WireStartMs = ToMs(conn.LastWriteTimestamp);
                await WaitForAcknowledgementAsync(conn, ct);
                await conn.WriteAsync(new[] { (byte)'\r', (byte)'\n' }, 0, 2, Timeouts.DataTermination, ct, "[CRLF in a separate write]");
                rec.BytesSent = 3;
            }
            else
            {
                await conn.WriteAsync(new[] { (byte)'.', (byte)'\r', (byte)'\n' }, 0, 3, Timeouts.DataTermination, ct, ".");
                rec.WireStartMs = ToMs(conn.LastWriteTimestamp);
                rec.BytesSent = 3;
            }

            var winner = await Task.WhenAny(pendingReply, Task.Delay(Timeouts.DataTermination, ct));
            ct.ThrowIfCancellationRequested();
            if (winner != pendingReply)
            {
                conn.Abort();
                throw new SmtpConnectionException(SmtpStageOutcome.Timeout, $"No reply to the end of data within {Timeouts.DataTermination.TotalSeconds:0.###} s.");
            }

            rec.Reply = await pendingReply;
            rec.WireEndMs = ToMs(conn.LastReplyTimestamp);
            rec.Outcome = OutcomeFor(rec.Reply, 2);
        }
        catch (SmtpConnectionException ex)
        {
            rec.Outcome = ex.Outcome;
            rec.Text = ex.Message;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OperationCanceledException)
        {
            var classified = SmtpConnection.Classify(ex, "end of data", conn.IsTls);
            rec.Outcome = classified.Outcome;
            rec.Text = classified.Message;
        }

        if (rec.Reply is not null && rec.Outcome != SmtpStageOutcome.Ok)
        {
            await FinishThenQuitAsync(rec, ct);
            return false;
        }

        if (rec.Outcome != SmtpStageOutcome.Ok)
        {
            FinishAndClose(rec);
            return false;
        }

        Finish(rec);
        return true;
    }

    /// <summary>
    /// Between the lone "." and its CRLF: waits until the kernel has no unacknowledged data (so the CRLF is a
    /// separate segment, not coalesced) and at least 50 ms (so a relay that reads its socket, like an inspecting
    /// proxy, sees them in separate reads too); at most 200 ms.
    /// </summary>
    private async Task WaitForAcknowledgementAsync(SmtpConnection conn, CancellationToken ct)
    {
        var start = NowMs;
        var deadline = start + 200;
        await Task.Delay(50, ct);
        while (NowMs < deadline)
        {
            var info = conn.ReadTcpInfo();
            if (!info.IsAvailable)
            {
                await Task.Delay(100, ct);
                return;
            }

            if (info.UnackedSegments == 0 && (info.NotSentBytes ?? 0) == 0)
            {
                return;
            }

            await Task.Delay(5, ct);
        }
    }
}
