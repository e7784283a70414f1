using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>
    /// MAIL, RCPT… and DATA through one queue: pipelined, the whole envelope is one batch (one write, then every
    /// reply in order, RFC 2920); one at a time, each command is its own batch. True when DATA got 354 with at
    /// least one recipient accepted.
    /// </summary>
    private async Task<bool> EnvelopeAsync(string helo, CancellationToken ct)
    {
        var includeData = _options.StopAfter is SmtpStopAfter.Data or SmtpStopAfter.Body;
        var recipients = _options.To.Count > 0 ? _options.To : new[] { SmtpEnvelope.DefaultRecipient(_options.ComputerName) };
        var sender = _options.From ?? (_options.EnvelopeSize > 0 ? "mailflow@" + helo : null);
        var envelope = SmtpEnvelope.Build(sender, recipients, includeData, _options.EnvelopeSize > 0 ? _options.EnvelopeSize : null);
        var commands = _options.StopAfter == SmtpStopAfter.Mail ? envelope.Steps.Take(1).ToList() : envelope.Steps.ToList();

        var pipelined = _options.Pipelining == SmtpPipeliningMode.Force || (_options.Pipelining == SmtpPipeliningMode.Auto && _capabilities.Pipelining);
        if (!_capabilities.Pipelining && _options.Pipelining == SmtpPipeliningMode.Force)
        {
            _reporter.Warning("Pipelining the envelope although the server does not advertise PIPELINING (-Pipelining Force).");
        }

        _reporter.Verbose($"envelope: {commands.Count} commands, {commands.Sum(c => c.WireLength)} bytes, {(pipelined ? "one write (pipelined)" : "one command at a time")}");
        var batches = pipelined ? new List<List<SmtpEnvelopeCommand>> { commands } : commands.Select(c => new List<SmtpEnvelopeCommand> { c }).ToList();
        var mailAccepted = false;
        var anyRecipient = false;
        foreach (var batch in batches)
        {
            // One at a time, a command whose predecessor failed is not sent (no DATA without a recipient).
            if (!pipelined && ((batch[0].Stage != SmtpStage.MailFrom && !mailAccepted) || (batch[0].Stage == SmtpStage.Data && !anyRecipient)))
            {
                _reporter.Verbose(mailAccepted ? "no recipient was accepted; DATA is not sent" : "MAIL FROM was not accepted; the envelope ends here");
                await QuitAsync(ct);
                return false;
            }

            var flushed = await FlushAsync(batch, pipelined, ct);
            if (flushed is null)
            {
                return false;
            }

            foreach (var (command, ok) in flushed)
            {
                mailAccepted |= command.Stage == SmtpStage.MailFrom && ok;
                anyRecipient |= command.Stage == SmtpStage.RcptTo && ok;
                if (command.Stage != SmtpStage.Data)
                {
                    continue;
                }

                if (ok && !anyRecipient)
                {
                    // DATA got 354 although no recipient was taken; we are inside DATA and can only drop.
                    Drop("DATA accepted without recipients; dropping the connection");
                    return false;
                }

                if (!ok)
                {
                    await QuitAsync(ct);
                }

                return ok;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes a batch in one write and records one stage per reply, in order: each stage starts at the write (the
    /// first) or at the previous reply. Null when the connection failed (the stage is recorded, the connection closed).
    /// </summary>
    private async Task<List<(SmtpEnvelopeCommand Command, bool Ok)>?> FlushAsync(List<SmtpEnvelopeCommand> batch, bool pipelined, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(batch.Select(c => c.Line + "\r\n")));
        var stageStart = NowMs;
        var before = _connection!.ReadTcpInfo();
        try
        {
            await _connection.WriteAsync(bytes, 0, bytes.Length, TimeoutFor(batch[0].Stage), ct, pipelined ? null : batch[0].Line);
            stageStart = ToMs(_connection.LastWriteTimestamp);
        }
        catch (SmtpConnectionException ex)
        {
            FinishAndClose(new StageRecorder(batch[0].Stage, stageStart, before)
            {
                Outcome = ex.Outcome,
                Text = ex.Message,
                Pipelined = pipelined,
                BytesSent = bytes.Length,
                Recipient = batch[0].Recipient,
            });
            return null;
        }

        var replies = new List<(SmtpEnvelopeCommand, bool)>(batch.Count);
        foreach (var command in batch)
        {
            var rec = new StageRecorder(command.Stage, stageStart, before)
            {
                WireStartMs = stageStart,
                Pipelined = pipelined,
                BytesSent = command.WireLength,
                Recipient = command.Recipient,
            };
            var ok = await TryReplyAsync(rec, TimeoutFor(command.Stage), command.ExpectedClass, ct);
            if (!ok && rec.Reply is null)
            {
                FinishAndClose(rec);
                return null;
            }

            Finish(rec);
            replies.Add((command, ok));
            stageStart = rec.WireEndMs ?? NowMs;
            before = _connection.ReadTcpInfo();
        }

        return replies;
    }

    private TimeSpan TimeoutFor(SmtpStage stage) => stage switch
    {
        SmtpStage.MailFrom => Timeouts.MailFrom,
        SmtpStage.RcptTo => Timeouts.RcptTo,
        _ => Timeouts.DataInitiation,
    };
}
