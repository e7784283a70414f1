using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// The stage state machine of one SMTP session: connect, greeting, EHLO, STARTTLS, AUTH, envelope, message data,
/// end of data, QUIT. Records each stage with its raw evidence (reply, capabilities, TLS, TCP_INFO, transfer facts)
/// and leaves the findings to <see cref="SmtpStageAnalyzer"/>. Never sends the final "." unless Deliver.
/// </summary>
internal sealed partial class SmtpSession
{
    private readonly SmtpStageTimingOptions _options;
    private readonly IEngineReporter _reporter;
    private readonly Action<SmtpStageResult>? _onStage;
    private readonly List<SmtpStageResult> _results = new();
    private readonly Stopwatch _clock = new();
    private readonly SecretRedactor _secrets;
    private readonly string _sessionId;
    private long _clockStart;
    private SmtpConnection? _connection;
    private string _address = string.Empty;
    private SmtpCapabilities _capabilities = SmtpCapabilities.None;
    private SmtpCapabilities _plainCapabilities = SmtpCapabilities.None;
    private SmtpTlsInfo? _tls;
    private int _recipientsAccepted;
    private int _recipientsRefused;

    public SmtpSession(SmtpStageTimingOptions options, IEngineReporter reporter, Action<SmtpStageResult>? onStage)
    {
        _options = options;
        _secrets = options.Credential?.Redactor ?? SecretRedactor.None;
        _reporter = RedactingReporter.Wrap(reporter ?? NullEngineReporter.Instance, _secrets);
        _onStage = onStage;
        _sessionId = NewSessionId();
    }

    public SecretRedactor Secrets => _secrets;

    public IReadOnlyList<SmtpStageResult> Results => _results;

    private double NowMs => _clock.Elapsed.TotalMilliseconds;

    private SmtpTimeouts Timeouts => _options.Timeouts;

    public async Task RunAsync(IPEndPoint remote, CancellationToken ct)
    {
        _address = remote.Address.ToString();
        await SmtpWarmup.RunOnceAsync(_options.StartTls != SmtpStartTlsMode.Off && _options.StopAfter > SmtpStopAfter.Ehlo, ct);
        _clockStart = Stopwatch.GetTimestamp();
        _clock.Start();
        try
        {
            await RunStagesAsync(remote, ct);
        }
        finally
        {
            _connection?.Abort();
        }
    }

    private async Task RunStagesAsync(IPEndPoint remote, CancellationToken ct)
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
        if (wantTls && (!await StartTlsAsync(ct) || !await EhloAsync(SmtpStage.EhloTls, helo, ct)))
        {
            return;
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
            await QuitAsync(ct);
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
            rec.PortCheck = await CheckOtherPortsAsync(remote, ex.Outcome, ct);
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
            FinishAndClose(rec);
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
            rec.TlsFailure = "the server does not offer STARTTLS";
            Finish(rec);
            await QuitAsync(ct);
            return false;
        }

        if (!await CommandAsync(rec, "STARTTLS", Timeouts.Command, 2, ct))
        {
            rec.TlsFailure = rec.Reply is null ? rec.Text ?? "no reply" : "the server answered " + rec.Reply.Code;
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
            rec.TlsFailure = ex.Message;
            FinishAndClose(rec);
            return false;
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

    private string HeloName()
    {
        if (!string.IsNullOrWhiteSpace(_options.HeloName))
        {
            return _options.HeloName!.Trim();
        }

        try
        {
            var host = System.Net.Dns.GetHostName();
            if (host.IndexOf('.') > 0 && DomainNames.TryNormalize(host, out var ascii, out _))
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
        return HostResolver.TryParseLiteral(name, out _) ? _address : name;
    }

    /// <summary>
    /// After a failed connect to port 25, tries other ports on the same address: when one of them connects, the
    /// block is specific to port 25, which is how ISPs and local firewalls block outbound SMTP.
    /// </summary>
    private async Task<PortBlockCheck?> CheckOtherPortsAsync(IPEndPoint remote, SmtpStageOutcome outcome, CancellationToken ct)
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
            try
            {
                using var probe = await SmtpConnection.ConnectAsync(new IPEndPoint(remote.Address, port), SmtpConnectionSettings.Default, _sessionId, _reporter, timeout, ct);
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
        }

        return new PortBlockCheck { ReachablePorts = reachable, FailedPorts = failed };
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
}
