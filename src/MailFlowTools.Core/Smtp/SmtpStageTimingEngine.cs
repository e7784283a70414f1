using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Runs one real SMTP session stage by stage and reports, per stage, the time taken, the reply, and the bytes sent,
/// acknowledged and retransmitted (TCP_INFO). Never completes a message unless <see cref="SmtpStageTimingOptions.Deliver"/>:
/// by default the connection is dropped inside DATA, before the final ".", so the server discards the message.
/// </summary>
public sealed class SmtpStageTimingEngine
{
    private const int BodyChunkSize = 16 * 1024;

    private readonly SmtpStageTimingOptions _options;
    private readonly IEngineReporter _reporter;
    private readonly Action<SmtpStageResult>? _onStage;
    private readonly List<SmtpStageResult> _results = new();
    private readonly Stopwatch _clock = new();
    private long _clockStart;
    private readonly string _sessionId;
    private SmtpConnection? _connection;
    private string _address = string.Empty;
    private SmtpCapabilities _capabilities = SmtpCapabilities.None;
    private SmtpCapabilities _plainCapabilities = SmtpCapabilities.None;
    private SmtpTlsInfo? _tls;
    private readonly SecretRedactor _secrets;
    private int _recipientsAccepted;
    private int _recipientsRefused;

    private SmtpStageTimingEngine(SmtpStageTimingOptions options, IEngineReporter reporter, Action<SmtpStageResult>? onStage)
    {
        _options = options;
        _secrets = options.Credential?.Redactor ?? SecretRedactor.None;
        _reporter = RedactingReporter.Wrap(reporter ?? NullEngineReporter.Instance, _secrets);
        _onStage = onStage;
        _sessionId = NewSessionId();
    }

    /// <summary>
    /// Runs the session. <paramref name="onStage"/> sees each stage as soon as it ends. Throws
    /// <see cref="MailFlowException"/> only when the session cannot start (bad options, unknown host), and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (Ctrl+C) fires.
    /// </summary>
    public static async Task<IReadOnlyList<SmtpStageResult>> RunAsync(SmtpStageTimingOptions options, IEngineReporter reporter, Action<SmtpStageResult>? onStage, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        Validate(options);
        var engine = new SmtpStageTimingEngine(options, reporter, onStage);
        try
        {
            await engine.RunCoreAsync(cancellationToken);
        }
        catch (Exception ex) when (engine._secrets.Contains(ex))
        {
            // Nothing that leaves the engine may carry the credential, whatever the server sent back.
            throw Sanitize(ex, engine._secrets);
        }

        return engine._results;
    }

    private static Exception Sanitize(Exception ex, SecretRedactor secrets) => ex switch
    {
        MailFlowException mfe => new MailFlowException(mfe.ErrorId, mfe.Category, secrets.Scrub(mfe.Message)!, ErrorReport.SafeTarget(mfe.Target, secrets), mfe.IsInvalidInvocation),
        OperationCanceledException oce => new OperationCanceledException(secrets.Scrub(oce.Message), oce.CancellationToken),
        _ => new MailFlowException(ErrorIds.ProbeFailed, MailFlowErrorCategory.NotSpecified, ex.GetType().Name + ": " + secrets.Scrub(ex.Message)),
    };

    public static void Validate(SmtpStageTimingOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ComputerName))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidHostName, "-ComputerName is empty: give the SMTP server's host name or IP address.");
        }

        if (o.Port is < 1 or > 65535)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-Port must be 1 to 65535; got {o.Port}.", o.Port);
        }

        if (o.MessageSize < 0 || o.MessageSize > SmtpMessageBuilder.MaxSize)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-MessageSize must be 0 (the default, 1024) to {SmtpMessageBuilder.MaxSize} bytes; got {o.MessageSize}.", o.MessageSize);
        }

        if (o.EnvelopeSize < 0 || o.EnvelopeSize > 1024 * 1024)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-EnvelopeSize must be 0 (no padding) to 1048576 bytes; got {o.EnvelopeSize}.", o.EnvelopeSize);
        }

        if (o.SegmentSize != 0 && (o.SegmentSize < 88 || o.SegmentSize > 65495))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-SegmentSize must be 0 (the OS default) or 88 to 65495 bytes; got {o.SegmentSize}.", o.SegmentSize);
        }

        if (o.SplitEndOfData && !o.Deliver)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "-SplitEndOfData sends the final '.', which completes the message: add -Deliver to allow that.");
        }

        if (o.Deliver && o.StopAfter != SmtpStopAfter.Body)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "-Deliver needs the whole session: leave out -StopAfter.");
        }

        foreach (var address in o.To.Concat(new[] { o.From ?? string.Empty }))
        {
            if (address.IndexOfAny(new[] { '\r', '\n', '<', '>' }) >= 0)
            {
                throw MailFlowException.InvalidArgument(ErrorIds.InvalidAddress, $"'{address}' is not a valid mail address (no angle brackets or line breaks).", address);
            }
        }
    }

    private static string NewSessionId()
    {
        var bytes = new byte[4];
        using (var rng = System.Security.Cryptography.RandomNumberGenerator.Create())
        {
            rng.GetBytes(bytes);
        }

        return BitConverter.ToString(bytes).Replace("-", string.Empty).ToLowerInvariant();
    }

    private double NowMs => _clock.Elapsed.TotalMilliseconds;

    /// <summary>A Stopwatch timestamp taken by the connection, on the session clock.</summary>
    private double ToMs(long timestamp) => timestamp == 0 ? NowMs : (timestamp - _clockStart) * 1000.0 / Stopwatch.Frequency;

    private SmtpTimeouts Timeouts => _options.Timeouts;

    private async Task RunCoreAsync(CancellationToken ct)
    {
        var remote = await ResolveAsync(ct);
        _address = remote.Address.ToString();
        await SmtpWarmup.RunOnceAsync(_options.StartTls != SmtpStartTlsMode.Off && _options.StopAfter > SmtpStopAfter.Ehlo, ct);
        _clockStart = Stopwatch.GetTimestamp();
        _clock.Start();
        try
        {
            await RunSessionAsync(remote, ct);
        }
        finally
        {
            _connection?.Abort();
        }
    }

    private async Task RunSessionAsync(IPEndPoint remote, CancellationToken ct)
    {
        if (!await ConnectAsync(remote, ct) || _options.StopAfter == SmtpStopAfter.Connect)
        {
            _connection?.Close();
            return;
        }

        if (!await BannerAsync(ct))
        {
            return;
        }

        if (_options.StopAfter == SmtpStopAfter.Banner)
        {
            await QuitAsync(ct);
            return;
        }

        var helo = HeloName();
        if (!await EhloAsync(SmtpStage.Ehlo, helo, ct))
        {
            return;
        }

        if (_options.StopAfter == SmtpStopAfter.Ehlo)
        {
            await QuitAsync(ct);
            return;
        }

        var wantTls = _options.StartTls == SmtpStartTlsMode.Require || (_options.StartTls == SmtpStartTlsMode.Auto && _capabilities.StartTls);
        if (wantTls)
        {
            if (!await StartTlsAsync(ct) || !await EhloAsync(SmtpStage.EhloTls, helo, ct))
            {
                return;
            }
        }

        if (_options.StopAfter == SmtpStopAfter.StartTls)
        {
            await QuitAsync(ct);
            return;
        }

        if (_options.Credential is not null && !await AuthAsync(ct))
        {
            return;
        }

        var dataAccepted = await EnvelopeAsync(helo, ct);
        if (_options.StopAfter is SmtpStopAfter.Mail or SmtpStopAfter.Rcpt)
        {
            if (_connection is { IsClosed: false })
            {
                await QuitAsync(ct);
            }

            return;
        }

        if (!dataAccepted)
        {
            return;
        }

        if (_options.StopAfter == SmtpStopAfter.Data)
        {
            Drop("stopping after DATA: dropping the connection inside DATA so nothing is delivered");
            return;
        }

        var pendingReply = _connection!.ReadReplyAsync(Timeout.InfiniteTimeSpan, ct);
        ObserveQuietly(pendingReply);
        if (!await BodyAsync(pendingReply, ct))
        {
            return;
        }

        if (!_options.Deliver)
        {
            Drop("message data sent; dropping the connection before the final '.' so the server discards the message (use -Deliver to complete it)");
            return;
        }

        if (await EndOfDataAsync(pendingReply, ct))
        {
            await QuitAsync(ct);
        }
    }

    // ---------------------------------------------------------------- stages

    private async Task<bool> ConnectAsync(IPEndPoint remote, CancellationToken ct)
    {
        var rec = new StageRecorder(SmtpStage.Connect, NowMs, TcpInfoSnapshot.Unavailable);
        var settings = new SmtpConnectionSettings { MaxSegmentSize = _options.SegmentSize > 0 ? _options.SegmentSize : null, Redactor = _secrets };
        try
        {
            _connection = await SmtpConnection.ConnectAsync(remote, settings, _sessionId, _reporter, Timeouts.Connect, ct);
            rec.WireStartMs = ToMs(_connection.ConnectStartedTimestamp);
            rec.WireEndMs = ToMs(_connection.ConnectedTimestamp);
            rec.Text = "connected from " + SmtpConnection.Format(_connection.LocalEndPoint);
            Finish(rec);
            return true;
        }
        catch (SmtpConnectionException ex)
        {
            rec.Outcome = ex.Outcome;
            rec.Text = ex.Message;
            var finishedAt = NowMs;
            var blocked = await CheckLocalPortBlockAsync(remote, ex.Outcome, ct);
            if (blocked is not null)
            {
                rec.Findings.Add(blocked);
            }

            Finish(rec, finishedAt);
            return false;
        }
    }

    private async Task<bool> BannerAsync(CancellationToken ct)
    {
        var rec = Begin(SmtpStage.Banner);
        rec.WireStartMs = ToMs(_connection!.ConnectedTimestamp);
        if (!await TryReplyAsync(rec, Timeouts.Banner, 2, ct))
        {
            if (rec.Outcome == SmtpStageOutcome.Timeout)
            {
                rec.Findings.Add(Finding.Error(
                    FindingCodes.NoBannerAfterConnect,
                    $"{_options.ComputerName} ({_address}) port {_options.Port} completed the TCP handshake but sent no greeting within {Timeouts.Banner.TotalSeconds:0.###} s.",
                    "Nothing answers behind this address (dead service, load balancer without a healthy back end): fix it or remove it from the MX set, and check that senders move on to the next MX.",
                    Evidence(("Address", _address), ("Port", _options.Port), ("WaitedMs", Math.Round(NowMs - rec.StartMs, 1)))));
            }

            FinishAndClose(rec);
            return false;
        }

        var text = string.Join(" ", rec.Reply!.Lines);
        if (BannerInspector.IsMasked(text))
        {
            rec.Findings.Add(Finding.Warning(
                FindingCodes.BannerMasked,
                "The greeting arrived masked with asterisks, the signature of an SMTP inspection box (Cisco PIX/ASA 'fixup protocol smtp' / 'inspect esmtp') between here and the server.",
                "Disable SMTP inspection on that firewall: it also breaks ESMTP extensions and loses end-of-data marks split across packets (test with -SplitEndOfData -Deliver).",
                Evidence(("Banner", rec.Reply.ToString()))));
        }

        var elapsed = (rec.WireEndMs ?? NowMs) - (rec.WireStartMs ?? rec.StartMs);
        if (elapsed > _options.SlowGreetingThreshold.TotalMilliseconds)
        {
            rec.Findings.Add(Finding.Info(
                FindingCodes.SlowGreeting,
                $"The greeting took {elapsed / 1000:0.0} s: the server delays it on purpose (a tarpit or greet pause), which is not a failure.",
                "Make sure sending servers wait the RFC 5321 five minutes for the greeting; a sender with a short timeout will fail here.",
                Evidence(("GreetingMs", Math.Round(elapsed, 1)), ("ThresholdMs", _options.SlowGreetingThreshold.TotalMilliseconds))));
        }

        if (!rec.Reply.IsPositiveCompletion)
        {
            await FinishThenQuitAsync(rec, ct);
            return false;
        }

        Finish(rec);
        return true;
    }

    private async Task<bool> EhloAsync(SmtpStage stage, string helo, CancellationToken ct)
    {
        var rec = Begin(stage);
        if (!await CommandAsync(rec, "EHLO " + helo, Timeouts.Command, 2, ct))
        {
            if (rec.Reply is { IsPermanentNegative: true } && stage == SmtpStage.Ehlo)
            {
                // RFC 5321 §4.1.4 / §3.2: an old server that rejects EHLO gets HELO.
                Finish(rec);
                var helo2 = Begin(SmtpStage.Helo);
                if (!await CommandAsync(helo2, "HELO " + helo, Timeouts.Command, 2, ct))
                {
                    await FinishThenQuitAsync(helo2, ct);
                    return false;
                }

                _capabilities = SmtpCapabilities.None;
                Finish(helo2);
                return true;
            }

            await FinishThenQuitAsync(rec, ct);
            return false;
        }

        _capabilities = SmtpCapabilities.FromEhloReply(rec.Reply!);
        if (stage == SmtpStage.Ehlo)
        {
            _plainCapabilities = _capabilities;
        }

        rec.Capabilities = _capabilities.Keywords;
        Finish(rec);
        return true;
    }

    private async Task<bool> StartTlsAsync(CancellationToken ct)
    {
        var rec = Begin(SmtpStage.StartTls);
        if (!_capabilities.StartTls)
        {
            rec.Outcome = SmtpStageOutcome.TlsFailed;
            rec.Text = "STARTTLS was required but the server does not offer it.";
            rec.Findings.Add(StartTlsFinding("the server does not offer STARTTLS", rec));
            Finish(rec);
            await QuitAsync(ct);
            return false;
        }

        if (!await CommandAsync(rec, "STARTTLS", Timeouts.Command, 2, ct))
        {
            rec.Findings.Add(StartTlsFinding(rec.Reply is null ? rec.Text ?? "no reply" : "the server answered " + rec.Reply.Code, rec));
            if (rec.Reply is not null)
            {
                await FinishThenQuitAsync(rec, ct);
            }
            else
            {
                FinishAndClose(rec);
            }

            return false;
        }

        try
        {
            rec.Tls = await _connection!.StartTlsAsync(TlsTargetHost(), _options.ValidateCertificate, Timeouts.TlsHandshake, ct);
            _tls = rec.Tls;
            rec.WireEndMs = ToMs(_connection.TlsCompletedTimestamp);
            Finish(rec);
            return true;
        }
        catch (SmtpConnectionException ex)
        {
            rec.Outcome = ex.Outcome == SmtpStageOutcome.Timeout ? SmtpStageOutcome.Timeout : SmtpStageOutcome.TlsFailed;
            rec.Text = ex.Message;
            rec.Findings.Add(StartTlsFinding(ex.Message, rec));
            FinishAndClose(rec);
            return false;
        }
    }

    private Finding StartTlsFinding(string why, StageRecorder rec) => Finding.Error(
        FindingCodes.StartTlsFailed,
        $"STARTTLS with {_options.ComputerName} failed: {why}.",
        "Check the server's certificate and TLS settings, and look for a firewall that inspects or strips STARTTLS on the path; retry with -StartTls Off to see whether plain SMTP works.",
        Evidence(("Reason", why), ("ElapsedMs", Math.Round(NowMs - rec.StartMs, 1))));

    private async Task<bool> AuthAsync(CancellationToken ct)
    {
        var rec = Begin(SmtpStage.Auth);
        var credential = _options.Credential!;
        if (AuthWithheld() is { } withheld)
        {
            // Decided before a single byte of the credential is written.
            rec.Outcome = SmtpStageOutcome.NotAttempted;
            rec.Text = withheld.Message;
            rec.Findings.Add(withheld);
            _reporter.Warning(withheld.Message);
            Finish(rec);
            await QuitAsync(ct);
            return false;
        }

        if (!_connection!.IsTls || _tls is { CertificateValid: false })
        {
            _reporter.Warning(_connection.IsTls
                ? $"-AllowInsecureAuth: sending the credential to a server whose certificate did not validate ({_tls?.CertificateStatus})."
                : "-AllowInsecureAuth: sending the credential over an unencrypted session; anyone on the path can read it.");
        }

        var mechanisms = _capabilities.AuthMechanisms;
        bool ok;
        if (mechanisms.Contains("PLAIN"))
        {
            ok = await CommandAsync(rec, "AUTH PLAIN " + credential.PlainToken, Timeouts.Command, 2, ct, "AUTH PLAIN " + SecretRedactor.Mask);
        }
        else
        {
            ok = await CommandAsync(rec, "AUTH LOGIN", Timeouts.Command, 3, ct)
                && await CommandAsync(rec, credential.LoginUserToken, Timeouts.Command, 3, ct, SecretRedactor.Mask)
                && await CommandAsync(rec, credential.LoginPasswordToken, Timeouts.Command, 2, ct, SecretRedactor.Mask);
        }

        if (!ok)
        {
            if (rec.Reply is not null)
            {
                await FinishThenQuitAsync(rec, ct);
            }
            else
            {
                FinishAndClose(rec);
            }

            return false;
        }

        Finish(rec);
        return true;
    }

    /// <summary>Why the credential must not be sent in this session, as a finding; null when AUTH may go ahead.</summary>
    private Finding? AuthWithheld()
    {
        var host = _options.ComputerName;
        if (!_connection!.IsTls && !_options.AllowInsecureAuth)
        {
            var why = _options.StartTls == SmtpStartTlsMode.Off
                ? "-StartTls Off was given"
                : "the server does not offer STARTTLS";
            var offered = _plainCapabilities.AuthMechanisms.Length > 0 ? $" although it offers AUTH {string.Join(" ", _plainCapabilities.AuthMechanisms)} in plain text" : string.Empty;
            return Finding.Error(
                FindingCodes.AuthWithoutTls,
                $"The credential was not sent: the session with {host} is not encrypted ({why}){offered}, and a password sent there can be read by anyone on the path.",
                "Enable STARTTLS on the server (or test a port that offers it); only for a test server, add -AllowInsecureAuth to send the credential anyway.",
                Evidence(("StartTls", _options.StartTls.ToString()), ("StartTlsOffered", _plainCapabilities.StartTls), ("AuthOfferedInPlainText", string.Join(" ", _plainCapabilities.AuthMechanisms))));
        }

        if (_tls is { CertificateValid: false } tls && !_options.AllowInsecureAuth)
        {
            return Finding.Error(
                FindingCodes.AuthCertificateUntrusted,
                $"The credential was not sent: the TLS certificate of {host} did not validate ({tls.CertificateStatus}), so the session could be with anyone posing as the server.",
                $"Give the server a certificate that chains to a trusted root and names {host}; only for a test server, add -AllowInsecureAuth to send the credential anyway.",
                Evidence(("CertificateStatus", tls.CertificateStatus ?? string.Empty), ("CertificateSubject", tls.CertificateSubject ?? string.Empty), ("CertificateIssuer", tls.CertificateIssuer ?? string.Empty)));
        }

        var mechanisms = _capabilities.AuthMechanisms;
        if (!mechanisms.Contains("PLAIN") && !mechanisms.Contains("LOGIN"))
        {
            var message = mechanisms.Length > 0
                ? $"The credential was not sent: {host} offers AUTH {string.Join(" ", mechanisms)} only, and this tool speaks PLAIN and LOGIN."
                : _connection.IsTls && _plainCapabilities.AuthMechanisms.Length > 0
                    ? $"The credential was not sent: {host} offered AUTH only before STARTTLS, not in the encrypted session."
                    : $"The credential was not sent: {host} does not offer AUTH in this session.";
            return Finding.Error(
                FindingCodes.AuthNotOffered,
                message,
                "Check the server's AUTH settings for this port (on Exchange, the receive connector's AuthMechanism and permission groups; on Postfix, smtpd_sasl_auth_enable and smtpd_tls_auth_only).",
                Evidence(("AuthOffered", string.Join(" ", mechanisms)), ("AuthOfferedBeforeStartTls", string.Join(" ", _plainCapabilities.AuthMechanisms)), ("Tls", _connection.IsTls)));
        }

        return null;
    }

    /// <summary>MAIL, RCPT… and DATA, pipelined in one write or one at a time. True when DATA got 354.</summary>
    private async Task<bool> EnvelopeAsync(string helo, CancellationToken ct)
    {
        var includeData = _options.StopAfter is SmtpStopAfter.Data or SmtpStopAfter.Body;
        var includeRcpt = _options.StopAfter != SmtpStopAfter.Mail;
        var recipients = _options.To.Count > 0 ? _options.To : new[] { SmtpEnvelope.DefaultRecipient(_options.ComputerName) };
        var sender = _options.From ?? (_options.EnvelopeSize > 0 ? "mailflow@" + (helo.StartsWith("[", StringComparison.Ordinal) ? helo : helo) : null);
        var envelope = SmtpEnvelope.Build(sender, recipients, includeData, _options.EnvelopeSize > 0 ? _options.EnvelopeSize : null);
        var commands = envelope.Commands.ToList();
        if (!includeRcpt)
        {
            commands = commands.Take(1).ToList();
        }

        var pipelined = _options.Pipelining == SmtpPipeliningMode.Force || (_options.Pipelining == SmtpPipeliningMode.Auto && _capabilities.Pipelining);
        if (!_capabilities.Pipelining && _options.Pipelining == SmtpPipeliningMode.Force)
        {
            _reporter.Warning("Pipelining the envelope although the server does not advertise PIPELINING (-Pipelining Force).");
        }

        _reporter.Verbose($"envelope: {commands.Count} commands, {commands.Sum(c => c.Length + 2)} bytes, {(pipelined ? "one write (pipelined)" : "one command at a time")}");
        return pipelined ? await PipelinedEnvelopeAsync(commands, ct) : await SequentialEnvelopeAsync(commands, ct);
    }

    private async Task<bool> SequentialEnvelopeAsync(List<string> commands, CancellationToken ct)
    {
        var anyRecipient = false;
        foreach (var command in commands)
        {
            var (stage, timeout, expected) = Classify(command);
            if (stage == SmtpStage.Data && !anyRecipient)
            {
                _reporter.Verbose("no recipient was accepted; DATA is not sent");
                await QuitAsync(ct);
                return false;
            }

            var rec = Begin(stage);
            rec.Recipient = RecipientOf(command);
            var ok = await CommandAsync(rec, command, timeout, expected, ct);
            if (!ok && rec.Reply is null)
            {
                FinishAndClose(rec);
                return false;
            }

            Finish(rec);
            if (stage == SmtpStage.MailFrom && !ok)
            {
                await QuitAsync(ct);
                return false;
            }

            anyRecipient |= stage == SmtpStage.RcptTo && ok;
            if (stage == SmtpStage.Data)
            {
                if (!ok)
                {
                    await QuitAsync(ct);
                }

                return ok;
            }
        }

        return false;
    }

    private async Task<bool> PipelinedEnvelopeAsync(List<string> commands, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(commands.Select(c => c + "\r\n")));
        var stageStart = NowMs;
        var before = _connection!.ReadTcpInfo();
        try
        {
            await _connection.WriteAsync(bytes, 0, bytes.Length, Timeouts.MailFrom, ct);
            stageStart = ToMs(_connection.LastWriteTimestamp);
        }
        catch (SmtpConnectionException ex)
        {
            var failed = new StageRecorder(SmtpStage.MailFrom, stageStart, before) { Outcome = ex.Outcome, Text = ex.Message, Pipelined = true, BytesSent = bytes.Length };
            FinishAndClose(failed);
            return false;
        }

        var dataOk = false;
        for (var i = 0; i < commands.Count; i++)
        {
            var (stage, timeout, expected) = Classify(commands[i]);
            var rec = new StageRecorder(stage, stageStart, before)
            {
                Pipelined = true,
                BytesSent = commands[i].Length + 2,
                Recipient = RecipientOf(commands[i]),
            };
            var ok = await TryReplyAsync(rec, timeout, expected, ct);
            if (!ok && rec.Reply is null)
            {
                FinishAndClose(rec);
                return false;
            }

            Finish(rec);
            stageStart = rec.WireEndMs ?? NowMs;
            before = _connection.ReadTcpInfo();
            if (stage == SmtpStage.Data)
            {
                dataOk = ok;
            }
        }

        var last = _results[_results.Count - 1];
        if (!dataOk && last.Stage == SmtpStage.Data && last.ReplyCode is int code && code / 100 == 3)
        {
            // DATA got 354 although no recipient was taken; we are inside DATA and can only drop.
            Drop("DATA accepted without recipients; dropping the connection");
            return false;
        }

        if (!dataOk && _connection is { IsClosed: false } && (_options.StopAfter is SmtpStopAfter.Data or SmtpStopAfter.Body))
        {
            await QuitAsync(ct);
        }

        return dataOk;
    }

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
            rec.Findings.Add(TransferStalledFinding(monitor, rec, data.Length));
        }

        if (rec.Outcome == SmtpStageOutcome.Ok)
        {
            Finish(rec);
            return true;
        }

        FinishAndClose(rec);
        return false;
    }

    /// <summary>A pipelined DATA refused because every recipient was refused ("554 no valid recipients") adds nothing.</summary>
    private bool IsConsequenceOfRefusedRecipients(StageRecorder rec) =>
        rec.Stage == SmtpStage.Data && rec.Outcome == SmtpStageOutcome.Rejected && _recipientsAccepted == 0 && _recipientsRefused > 0;

    /// <summary>A stage that failed without a more specific finding still makes the run a problem (CLI exit 1).</summary>
    private Finding FailureFinding(StageRecorder rec)
    {
        var reply = rec.Reply is null ? rec.Text ?? string.Empty : rec.Reply.Code + (rec.Reply.EnhancedStatus is null ? string.Empty : " " + rec.Reply.EnhancedStatus) + " " + rec.Reply.Text;
        if (rec.Stage == SmtpStage.Connect)
        {
            return Finding.Error(
                FindingCodes.ServerUnreachable,
                $"No TCP connection to {_options.ComputerName} ({_address}) port {_options.Port}: {rec.Outcome}.",
                rec.Outcome == SmtpStageOutcome.Refused
                    ? "Nothing listens on that port, or a firewall rejects the connection: check the service and the firewall rules for the port."
                    : "Packets to that port get no answer: check that the host is up and that no firewall on the path drops the connection (run Test-MxPath for the domain).",
                Evidence(("Outcome", rec.Outcome.ToString()), ("Detail", reply), ("ElapsedMs", Math.Round(NowMs - rec.StartMs, 1))));
        }

        var recommendation = rec.Outcome switch
        {
            SmtpStageOutcome.TempFailed => "The server deferred the session; read the reply text (Resolve-SmtpStatus explains the code) and retry later.",
            SmtpStageOutcome.Rejected => "The server refused this step; read the reply text (Resolve-SmtpStatus explains the code) and fix the sender, recipient or client policy it names.",
            SmtpStageOutcome.ProtocolError => "The server's answer is not valid SMTP: check for a proxy, firewall or non-SMTP service on this port.",
            SmtpStageOutcome.Timeout => "The server stopped answering at this stage: compare with a run from another network and look for a device on the path that holds the session.",
            _ => "The connection ended at this stage: look at the server's log for the session and at any firewall or load balancer on the path.",
        };
        var severity = rec.Outcome == SmtpStageOutcome.TempFailed ? FindingSeverity.Warning : FindingSeverity.Error;
        return new Finding(
            FindingCodes.SmtpSessionFailed,
            severity,
            $"The session failed at {rec.Stage}: {rec.Outcome}{(reply.Length > 0 ? " (" + reply.Trim() + ")" : string.Empty)}.",
            recommendation,
            Evidence(("Stage", rec.Stage.ToString()), ("Outcome", rec.Outcome.ToString()), ("Reply", reply.Trim()), ("ElapsedMs", Math.Round(NowMs - rec.StartMs, 1))));
    }

    private Finding TransferStalledFinding(TransferMonitor m, StageRecorder rec, int messageBytes)
    {
        var last = m.Last;
        var streamOffset = m.StreamBytesAcked;
        var bodyOffset = m.BodyBytesAcked(rec.BytesSent);
        return Finding.Error(
            FindingCodes.TransferStalled,
            $"Acknowledgements stopped after {streamOffset} bytes sent on the connection ({bodyOffset} of {messageBytes} bytes of message data); {m.RetransmitsSinceStall} retransmissions went unanswered and the sender backed off.",
            "Something on the path stops forwarding this flow mid-transfer (load balancer, firewall session limit, or a PMTU black hole if the stall is at the first full-size segment): capture at the network edge, and run Find-MtuBlackHole against the same host.",
            Evidence(
                ("StalledAtByte", streamOffset),
                ("MessageBytesAcked", bodyOffset),
                ("MessageBytesWritten", rec.BytesSent),
                ("MessageBytes", messageBytes),
                ("StallDetectedAtMs", Math.Round(m.StallDetectedAtMs - rec.StartMs, 1)),
                ("LastAckAtMs", Math.Round(m.LastProgressMs - rec.StartMs, 1)),
                ("Retransmits", m.RetransmitsSinceStall),
                ("UnackedSegments", last.UnackedSegments ?? 0),
                ("Backoff", last.Backoff ?? 0),
                ("RtoMs", (last.RetransmitTimeoutMicroseconds ?? 0) / 1000.0),
                ("SendMss", last.SendMss ?? 0),
                ("PathMtu", last.PathMtu ?? 0)));
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

        if (_options.SplitEndOfData && rec.Outcome is SmtpStageOutcome.Timeout or SmtpStageOutcome.Closed or SmtpStageOutcome.Reset)
        {
            rec.Findings.Add(Finding.Error(
                FindingCodes.EndOfDataSplitFails,
                $"With the final '.' and its CRLF in separate packets, the end of data was lost ({rec.Outcome}).",
                "A device on the path (typically a PIX/ASA with SMTP fixup or inspection) mishandles a split end-of-data mark: disable SMTP inspection on it or update it.",
                Evidence(("Outcome", rec.Outcome.ToString()), ("ElapsedMs", Math.Round(NowMs - rec.StartMs, 1)))));
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

    private async Task QuitAsync(CancellationToken ct)
    {
        if (_connection is null || _connection.IsClosed)
        {
            return;
        }

        var rec = Begin(SmtpStage.Quit);
        await CommandAsync(rec, "QUIT", Timeouts.Command, 2, ct);
        FinishAndClose(rec);
    }

    // ---------------------------------------------------------------- helpers

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

    private static (SmtpStage Stage, TimeSpan Timeout, int Expected) ClassifyCommand(string command, SmtpTimeouts t)
    {
        if (command.StartsWith("MAIL", StringComparison.Ordinal))
        {
            return (SmtpStage.MailFrom, t.MailFrom, 2);
        }

        if (command.StartsWith("RCPT", StringComparison.Ordinal))
        {
            return (SmtpStage.RcptTo, t.RcptTo, 2);
        }

        return (SmtpStage.Data, t.DataInitiation, 3);
    }

    private (SmtpStage Stage, TimeSpan Timeout, int Expected) Classify(string command) => ClassifyCommand(command, Timeouts);

    private static string? RecipientOf(string command) =>
        command.StartsWith("RCPT TO:<", StringComparison.Ordinal) ? command.Substring(9).TrimEnd('>') : null;

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

    private void Finish(StageRecorder rec, double? endMs = null)
    {
        if (rec.Stage == SmtpStage.RcptTo)
        {
            _recipientsAccepted += rec.Outcome == SmtpStageOutcome.Ok ? 1 : 0;
            _recipientsRefused += rec.Outcome == SmtpStageOutcome.Rejected ? 1 : 0;
        }

        if (rec.Outcome != SmtpStageOutcome.Ok && rec.Stage != SmtpStage.Quit && !rec.Findings.Any(f => f.IsProblem))
        {
            if (rec.Stage == SmtpStage.RcptTo && rec.Outcome == SmtpStageOutcome.Rejected && rec.Reply is not null)
            {
                // The server's recipient policy, not a failure of the path or the session.
                rec.Findings.Add(RecipientRefusal.Finding(rec.Recipient ?? string.Empty, rec.Reply, _options.ProbeRecipient || _options.To.Count == 0));
            }
            else if (!IsConsequenceOfRefusedRecipients(rec))
            {
                rec.Findings.Add(FailureFinding(rec));
            }
        }

        var start = rec.WireStartMs ?? rec.StartMs;
        var end = rec.WireEndMs ?? endMs ?? NowMs;
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
            Findings = rec.Findings.Select(Scrub).ToArray(),
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

    private async Task<IPEndPoint> ResolveAsync(CancellationToken ct)
    {
        var name = (_options.Address ?? _options.ComputerName).Trim();
        if (IPAddress.TryParse(name.Trim('[', ']'), out var literal))
        {
            return new IPEndPoint(literal, _options.Port);
        }

        if (!Net.DomainNames.TryNormalize(name, out var ascii, out var reason))
        {
            // One bad name among piped hosts is that item's error, not the end of the pipeline.
            throw new MailFlowException(ErrorIds.InvalidHostName, MailFlowErrorCategory.InvalidArgument, $"'{name}' is not a valid host name for -ComputerName: {reason}", name);
        }

#if NET8_0_OR_GREATER
        var lookup = System.Net.Dns.GetHostAddressesAsync(ascii, ct);
#else
        var lookup = System.Net.Dns.GetHostAddressesAsync(ascii);
#endif
        var winner = await Task.WhenAny(lookup, Task.Delay(Timeouts.Connect, ct));
        ct.ThrowIfCancellationRequested();
        if (winner != lookup)
        {
            ObserveQuietly(lookup);
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.OperationTimeout, $"{Net.DomainNames.Quote(name, ascii)} did not resolve within {Timeouts.Connect.TotalSeconds:0.###} s; asked {Dns.SystemDnsServers.DescribeSystemResolver()}.", name);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await lookup;
        }
        catch (SocketException ex)
        {
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, $"{Net.DomainNames.Quote(name, ascii)} did not resolve ({ex.Message}); asked {Dns.SystemDnsServers.DescribeSystemResolver()}.", name, innerException: ex);
        }

        if (addresses.Length == 0)
        {
            throw new MailFlowException(ErrorIds.UnknownHost, MailFlowErrorCategory.ObjectNotFound, $"{Net.DomainNames.Quote(name, ascii)} has no address; asked {Dns.SystemDnsServers.DescribeSystemResolver()}.", name);
        }

        if (addresses.Length > 1)
        {
            _reporter.Verbose($"'{ascii}' has {addresses.Length} addresses; using {addresses[0]} (give -ComputerName an address to choose).");
        }

        return new IPEndPoint(addresses[0], _options.Port);
    }

    private string HeloName()
    {
        if (!string.IsNullOrWhiteSpace(_options.HeloName))
        {
            return _options.HeloName!.Trim();
        }

        try
        {
            var host = System.Net.Dns.GetHostName();
            if (host.IndexOf('.') > 0 && Net.DomainNames.TryNormalize(host, out var ascii, out _))
            {
                return ascii;
            }
        }
        catch (SocketException)
        {
        }

        return SmtpEnvelope.AddressLiteral(_connection!.LocalEndPoint.Address);
    }

    private string TlsTargetHost()
    {
        var name = _options.ComputerName.Trim().TrimEnd('.');
        return IPAddress.TryParse(name.Trim('[', ']'), out _) ? _address : name;
    }

    /// <summary>
    /// After a failed connect to port 25, tries other ports on the same address: when one of them connects, the
    /// block is specific to port 25, which is how ISPs and local firewalls block outbound SMTP.
    /// </summary>
    private async Task<Finding?> CheckLocalPortBlockAsync(IPEndPoint remote, SmtpStageOutcome outcome, CancellationToken ct)
    {
        var ports = _options.LocalBlockCheckPorts ?? (_options.Port == 25 ? new[] { 587, 443 } : Array.Empty<int>());
        if (ports.Count == 0 || outcome is not (SmtpStageOutcome.Timeout or SmtpStageOutcome.Unreachable or SmtpStageOutcome.Refused))
        {
            return null;
        }

        var timeout = TimeSpan.FromMilliseconds(Math.Min(5000, Timeouts.Connect.TotalMilliseconds));
        var reachable = new List<int>();
        var failed = new List<string>();
        foreach (var port in ports)
        {
            var alt = new IPEndPoint(remote.Address, port);
            try
            {
                using var probe = await SmtpConnection.ConnectAsync(alt, SmtpConnectionSettings.Default, _sessionId, _reporter, timeout, ct);
                reachable.Add(port);
                probe.Close();
            }
            catch (SmtpConnectionException ex)
            {
                failed.Add(port.ToString(CultureInfo.InvariantCulture) + "=" + ex.Outcome);
            }
        }

        if (reachable.Count == 0)
        {
            _reporter.Verbose($"ports {string.Join(", ", ports)} on {remote.Address} fail too ({string.Join(", ", failed)}): the host or the path to it is down, not only port {_options.Port}.");
            return null;
        }

        return Finding.Warning(
            FindingCodes.LocalPort25Blocked,
            $"Port {_options.Port} on {remote.Address} failed ({outcome}) while port {string.Join(" and ", reachable)} on the same address connected: outbound port {_options.Port} is probably blocked near you (local firewall or ISP), not at the server.",
            "Test from another network, or ask the network owner or ISP whether outbound TCP/25 is blocked; if it is, relay through a smart host on port 587.",
            Evidence(("Port", _options.Port), ("Outcome", outcome.ToString()), ("ReachablePorts", string.Join(",", reachable)), ("FailedPorts", string.Join(",", failed))));
    }

    private static Dictionary<string, object> Evidence(params (string Key, object Value)[] items)
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            d[key] = value;
        }

        return d;
    }

    private static Exception? Unwrap(AggregateException? ex) => ex?.InnerExceptions.Count == 1 ? ex.InnerException : ex;

    private static void ObserveQuietly(Task task) =>
        task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
