using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// The MX walk's prober: one <see cref="SmtpStageTimingEngine"/> session per address, stopped after STARTTLS
/// (or after RCPT with a recipient), so no DATA is ever sent; its stages are folded into one hop outcome.
/// </summary>
public sealed class SmtpHopProber : IHopProber
{
    private readonly IEngineReporter _reporter;

    public SmtpHopProber(IEngineReporter? reporter = null)
    {
        _reporter = reporter ?? NullEngineReporter.Instance;
    }

    /// <summary>EHLO name; null lets the SMTP engine use the local FQDN or address literal.</summary>
    public string? HeloName { get; init; }

    public async Task<HopProbeResult> ProbeAsync(HopProbeRequest request, CancellationToken cancellationToken)
    {
        var options = new SmtpStageTimingOptions
        {
            ComputerName = request.Exchange,
            Address = request.Address.ToString(),
            Port = request.Port,
            To = request.Recipient is null ? Array.Empty<string>() : new[] { request.Recipient },
            StopAfter = request.Recipient is null ? SmtpStopAfter.StartTls : SmtpStopAfter.Rcpt,
            StartTls = SmtpStartTlsMode.Auto,
            HeloName = HeloName,
            Timeouts = SmtpTimeouts.Of(request.ConnectTimeout, request.BannerTimeout, request.CommandTimeout),

            // The walk checks other ports once per domain, not once per address.
            LocalBlockCheckPorts = Array.Empty<int>(),
        };
        // The chain the MX presents is what DANE and MTA-STS judge; the session engine reports only its summary.
        var capture = new TlsPeerCapture();
        IReadOnlyList<SmtpStageResult> stages;
        using (capture.Begin())
        {
            stages = await SmtpStageTimingEngine.RunAsync(options, _reporter, null, cancellationToken);
        }

        return Fold(stages, request, capture.Chain);
    }

    public async Task<PortCheckOutcome> CheckPortAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = await SmtpConnection.ConnectAsync(new IPEndPoint(address, port), SmtpConnectionSettings.Default, "control-" + port.ToString(CultureInfo.InvariantCulture), _reporter, timeout, cancellationToken);
            connection.Close();
            return PortCheckOutcome.Connected;
        }
        catch (SmtpConnectionException ex)
        {
            return ex.Outcome switch
            {
                SmtpStageOutcome.Refused => PortCheckOutcome.Refused,
                SmtpStageOutcome.Timeout => PortCheckOutcome.Timeout,
                _ => PortCheckOutcome.Unreachable,
            };
        }
    }

    /// <summary>Folds the session's stages into the hop: the first stage that failed decides the outcome.</summary>
    internal static HopProbeResult Fold(IReadOnlyList<SmtpStageResult> stages, HopProbeRequest request, IReadOnlyList<byte[]>? peerChain = null)
    {
        SmtpStageResult? Stage(SmtpStage s) => stages.FirstOrDefault(x => x.Stage == s);
        var connect = Stage(SmtpStage.Connect);
        var banner = Stage(SmtpStage.Banner);
        var ehlo = Stage(SmtpStage.Ehlo);
        var helo = Stage(SmtpStage.Helo);
        var startTls = Stage(SmtpStage.StartTls);
        var ehloTls = Stage(SmtpStage.EhloTls);
        var mail = Stage(SmtpStage.MailFrom);
        var rcpt = stages.Where(x => x.Stage == SmtpStage.RcptTo).ToList();

        var outcome = MxHopOutcome.Ok;
        SmtpStageResult? failed = null;
        if (connect is null || connect.Outcome != SmtpStageOutcome.Ok)
        {
            failed = connect;
            outcome = connect?.Outcome switch
            {
                SmtpStageOutcome.Refused or SmtpStageOutcome.Reset => MxHopOutcome.ConnectRefused,
                SmtpStageOutcome.Timeout => MxHopOutcome.ConnectTimeout,
                _ => MxHopOutcome.Unreachable,
            };
        }
        else if (banner is null || banner.Outcome != SmtpStageOutcome.Ok)
        {
            failed = banner;
            outcome = banner?.Outcome switch
            {
                SmtpStageOutcome.TempFailed => MxHopOutcome.BannerTempFailed,
                SmtpStageOutcome.Rejected => MxHopOutcome.BannerRejected,
                _ => MxHopOutcome.NoBanner,
            };
        }
        else if (ehlo is null || (ehlo.Outcome != SmtpStageOutcome.Ok && helo?.Outcome != SmtpStageOutcome.Ok))
        {
            failed = helo ?? ehlo;
            outcome = MxHopOutcome.EhloFailed;
        }
        else if (startTls is not null && (startTls.Outcome != SmtpStageOutcome.Ok || ehloTls?.Outcome != SmtpStageOutcome.Ok))
        {
            failed = startTls.Outcome != SmtpStageOutcome.Ok ? startTls : ehloTls;
            outcome = MxHopOutcome.TlsFailed;
        }
        else if (request.Recipient is not null)
        {
            var bad = mail is null || mail.Outcome != SmtpStageOutcome.Ok ? mail : rcpt.FirstOrDefault(r => r.Outcome != SmtpStageOutcome.Ok);
            if (mail is null || bad is not null || rcpt.Count == 0)
            {
                failed = bad ?? mail;
                outcome = MxHopOutcome.RecipientRejected;
            }
        }

        var offered = ehlo is { Outcome: SmtpStageOutcome.Ok }
            ? ehlo.Capabilities.Any(c => c.Split(' ')[0].Equals("STARTTLS", StringComparison.OrdinalIgnoreCase))
            : (bool?)null;
        var last = stages.Count == 0 ? null : stages[stages.Count - 1];
        return new HopProbeResult
        {
            Outcome = outcome,
            ConnectMs = connect?.Outcome == SmtpStageOutcome.Ok ? connect.ElapsedMs : null,
            BannerMs = banner?.ReplyCode is not null ? banner.ElapsedMs : null,
            EhloMs = ehlo?.Outcome == SmtpStageOutcome.Ok ? ehlo.ElapsedMs : helo?.Outcome == SmtpStageOutcome.Ok ? ehlo!.ElapsedMs + helo.ElapsedMs : null,
            StartTlsMs = startTls?.Outcome == SmtpStageOutcome.Ok ? startTls.ElapsedMs : null,
            MailMs = mail?.ReplyCode is not null ? mail.ElapsedMs : null,
            RcptMs = rcpt.FirstOrDefault()?.ReplyCode is not null ? rcpt[0].ElapsedMs : null,
            Banner = banner?.ReplyCode is not null ? ReplyLine(banner) : null,
            BannerCode = banner?.ReplyCode,
            StartTlsOffered = offered,
            TlsEstablished = startTls is null ? null : startTls.Outcome == SmtpStageOutcome.Ok,
            TlsProtocol = startTls?.TlsProtocol,
            ReplyCode = failed?.ReplyCode ?? (outcome == MxHopOutcome.Ok ? rcpt.LastOrDefault()?.ReplyCode : null),
            ReplyText = failed?.ReplyCode is not null ? failed.ReplyText : outcome == MxHopOutcome.Ok ? rcpt.LastOrDefault()?.ReplyText : null,
            Detail = failed is null ? null : Describe(failed, request),
            ElapsedMs = last is null ? 0 : last.StartMs + last.ElapsedMs,
            Findings = stages.SelectMany(s => s.Findings).ToArray(),
            EhloKeywords = ehlo?.Capabilities.ToArray() ?? Array.Empty<string>(),
            PeerCertificateChain = peerChain ?? Array.Empty<byte[]>(),
        };
    }

    /// <summary>The reply as it read on the wire: code, enhanced status, text.</summary>
    private static string ReplyLine(SmtpStageResult stage) =>
        string.Join(" ", new[] { stage.ReplyCode?.ToString(CultureInfo.InvariantCulture), stage.EnhancedStatus, stage.ReplyText }.Where(p => !string.IsNullOrEmpty(p)));

    private static string Describe(SmtpStageResult stage, HopProbeRequest request)
    {
        var what = stage.Stage switch
        {
            SmtpStage.Connect => "connect",
            SmtpStage.Banner => "greeting",
            SmtpStage.Ehlo or SmtpStage.Helo => "EHLO",
            SmtpStage.StartTls => "STARTTLS",
            SmtpStage.EhloTls => "EHLO after STARTTLS",
            SmtpStage.MailFrom => "MAIL FROM",
            SmtpStage.RcptTo => "RCPT TO",
            _ => stage.Stage.ToString(),
        };
        var timeout = stage.Stage switch
        {
            SmtpStage.Connect => request.ConnectTimeout,
            SmtpStage.Banner => request.BannerTimeout,
            _ => request.CommandTimeout,
        };
        var reply = stage.ReplyCode is not null ? ReplyLine(stage) : stage.ReplyText;
        return stage.Outcome switch
        {
            SmtpStageOutcome.Timeout => string.Format(CultureInfo.InvariantCulture, "{0}: no answer within {1:0.###} s", what, timeout.TotalSeconds),
            SmtpStageOutcome.Refused => what + ": connection refused",
            SmtpStageOutcome.Closed => what + ": the server closed the connection" + (reply is null ? string.Empty : " (" + reply + ")"),
            SmtpStageOutcome.Reset => what + ": the connection was reset",
            _ => what + ": " + stage.Outcome + (reply is null ? string.Empty : " (" + reply + ")"),
        };
    }
}
