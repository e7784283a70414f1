using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Diagnosis;

/// <summary>Made-up engine results shaped like the lab's scenarios.</summary>
internal static class DiagnosisSamples
{
    public static MxPathHop Hop(int order, string exchange, string address, MxHopOutcome outcome, int preference = 10) => new()
    {
        Order = order,
        Preference = preference,
        Exchange = exchange,
        Address = address,
        Port = 25,
        AddressFamily = address.Contains(':', StringComparison.Ordinal) ? MxAddressFamily.IPv6 : MxAddressFamily.IPv4,
        Outcome = outcome,
        ConnectMs = outcome is MxHopOutcome.ConnectTimeout or MxHopOutcome.NotTried ? null : 0.6,
        Banner = outcome == MxHopOutcome.Ok ? "220 mx.lab.test ESMTP <b>lab</b>" : null,
        Detail = outcome == MxHopOutcome.NoBanner ? "greeting: no answer within 10 s" : null,
    };

    public static MxPathResult Mx(string domain, params MxPathHop[] hops)
    {
        var selected = hops.FirstOrDefault(h => h.Outcome == MxHopOutcome.Ok);
        return new MxPathResult
        {
            DomainName = domain,
            MxSource = MxPathSource.Mx,
            Hops = hops,
            SelectedHop = selected,
            Reachable = selected is not null,
            Summary = selected is null ? "None of the MX addresses accepted a session." : $"Mail for {domain} gets in at {selected.Exchange}.",
            DnsServer = "198.51.100.56",
        };
    }

    public static MxPathResult Mx(string domain, MxPathHop[] hops, params Finding[] findings)
    {
        var r = Mx(domain, hops);
        return new MxPathResult
        {
            DomainName = r.DomainName,
            MxSource = r.MxSource,
            Hops = r.Hops,
            SelectedHop = r.SelectedHop,
            Reachable = r.Reachable,
            Summary = r.Summary,
            DnsServer = r.DnsServer,
            Findings = findings,
        };
    }

    public static IReadOnlyList<SmtpStageResult> CleanSession(SmtpStageTimingOptions o)
    {
        var stages = new List<SmtpStageResult>();
        var order = new[] { SmtpStage.Connect, SmtpStage.Banner, SmtpStage.Ehlo, SmtpStage.StartTls, SmtpStage.EhloTls, SmtpStage.MailFrom, SmtpStage.RcptTo, SmtpStage.Data, SmtpStage.Body };
        var last = o.StopAfter switch
        {
            SmtpStopAfter.Connect => SmtpStage.Connect,
            SmtpStopAfter.Banner => SmtpStage.Banner,
            SmtpStopAfter.StartTls => SmtpStage.EhloTls,
            _ => SmtpStage.Body,
        };
        var start = 0.0;
        foreach (var stage in order)
        {
            var elapsed = stage == SmtpStage.Body ? 40 : 5;
            stages.Add(Stage(o, stages.Count + 1, stage, SmtpStageOutcome.Ok, start, elapsed, stage == SmtpStage.Body ? o.MessageSize : 20, stage == SmtpStage.Body ? o.MessageSize : 20));
            start += elapsed;
            if (stage == last)
            {
                break;
            }
        }

        return stages;
    }

    public static SmtpStageResult Stage(SmtpStageTimingOptions o, int sequence, SmtpStage stage, SmtpStageOutcome outcome, double start, double elapsed, long sent = 0, long? acked = 0, params Finding[] findings) => new()
    {
        SessionId = o.Address ?? o.ComputerName,
        ComputerName = o.ComputerName,
        Address = o.Address ?? string.Empty,
        Port = o.Port,
        Sequence = sequence,
        Stage = stage,
        Outcome = outcome,
        StartMs = start,
        ElapsedMs = elapsed,
        BytesSent = sent,
        BytesAcked = acked,
        Findings = findings,
    };

    /// <summary>A session whose message data stops being acknowledged after <paramref name="ackedBytes"/>.</summary>
    public static IReadOnlyList<SmtpStageResult> StalledSession(SmtpStageTimingOptions o, long ackedBytes)
    {
        var clean = CleanSession(o).ToList();
        var body = clean[clean.Count - 1];
        clean[clean.Count - 1] = Stage(o, body.Sequence, SmtpStage.Body, SmtpStageOutcome.Timeout, body.StartMs, 10_000, 65_536, ackedBytes, Finding.Error(
            FindingCodes.TransferStalled,
            $"Acknowledgements stopped after {ackedBytes} bytes.",
            "Capture at the edge.",
            new Dictionary<string, object> { ["StalledAtByte"] = ackedBytes }));
        return clean;
    }

    public static IReadOnlyList<SmtpStageResult> SilentSession(SmtpStageTimingOptions o) => new[]
    {
        Stage(o, 1, SmtpStage.Connect, SmtpStageOutcome.Ok, 0, 0.5),
        Stage(o, 2, SmtpStage.Banner, SmtpStageOutcome.Timeout, 0.5, 10_000, findings: Finding.Error(FindingCodes.NoBannerAfterConnect, "No greeting within 10 s.", "Fix the service.")),
    };

    public static IReadOnlyList<SmtpStageResult> TimedOutConnect(SmtpStageTimingOptions o) => new[]
    {
        Stage(o, 1, SmtpStage.Connect, SmtpStageOutcome.Timeout, 0, 5_000, findings: Finding.Error(FindingCodes.ServerUnreachable, "No TCP connection.", "Check the host.")),
    };

    public static MtuProbeResult MtuOk(string address, params Finding[] extra) => new()
    {
        ComputerName = address,
        Address = address,
        AddressFamily = address.Contains(':', StringComparison.Ordinal) ? "IPv6" : "IPv4",
        Method = MtuProbeMethod.Icmp,
        MethodsUsed = new[] { MtuProbeMethod.Icmp, MtuProbeMethod.Sweep },
        PathMtu = 1500,
        LargestPassedSize = 1500,
        Probes = new[]
        {
            new MtuProbeAttempt { Method = MtuProbeMethod.Icmp, Size = 1500, RequestedSize = 1500, Outcome = MtuProbeOutcome.Passed },
            new MtuProbeAttempt { Method = MtuProbeMethod.Icmp, Size = 1280, RequestedSize = 1280, Outcome = MtuProbeOutcome.Passed },
        },
        Sweep = new[] { 512, 513, 514 }.Select(s => new PayloadSweepEntry { PayloadSize = s, Attempts = 1, Commands = 11, RepliesReceived = 11 }).ToArray(),
        Findings = new[] { Finding.Info(FindingCodes.PmtudWorking, "Full-size 1500-byte packets cross the path.") }.Concat(extra).ToArray(),
    };

    public static MtuProbeResult MtuBlackHole(string address) => new()
    {
        ComputerName = address,
        Address = address,
        AddressFamily = "IPv4",
        Method = MtuProbeMethod.Icmp,
        MethodsUsed = new[] { MtuProbeMethod.Icmp, MtuProbeMethod.Sweep },
        PathMtu = 1400,
        LargestPassedSize = 1400,
        SmallestLostSize = 1401,
        BlackHole = true,
        FailingPayloadSizes = new[] { 1400, 1448, 1460 },
        Probes = new[]
        {
            new MtuProbeAttempt { Method = MtuProbeMethod.Icmp, Size = 1400, Outcome = MtuProbeOutcome.Passed },
            new MtuProbeAttempt { Method = MtuProbeMethod.Icmp, Size = 1401, Outcome = MtuProbeOutcome.Lost },
            new MtuProbeAttempt { Method = MtuProbeMethod.Icmp, Size = 1500, Outcome = MtuProbeOutcome.Lost },
        },
        Sweep = new[] { 1300, 1400, 1448, 1460 }.Select(s => new PayloadSweepEntry { PayloadSize = s, Attempts = s > 1360 ? 3 : 1, Failures = s > 1360 ? 3 : 0, Failed = s > 1360 }).ToArray(),
        Findings = new[]
        {
            Finding.Error(FindingCodes.PmtudBlackHole, "1400-byte packets cross, 1401-byte packets vanish and no ICMP comes back.", "Let ICMP type 3 code 4 through."),
            Finding.Warning(FindingCodes.SizeSpecificLoss, "Every envelope write of 1400 bytes or more failed.", "Measure the limit.", new Dictionary<string, object> { ["NonMonotonic"] = false }),
        },
    };

    public static MtuProbeResult MtuSizeLoss(string address)
    {
        var ok = MtuOk(address);
        return new MtuProbeResult
        {
            ComputerName = address,
            Address = address,
            AddressFamily = ok.AddressFamily,
            Method = ok.Method,
            MethodsUsed = ok.MethodsUsed,
            PathMtu = 1500,
            LargestPassedSize = 1500,
            FailingPayloadSizes = new[] { 513, 1025 },
            Probes = ok.Probes,
            Sweep = new[] { 512, 513, 514, 1024, 1025, 1026 }.Select(s => new PayloadSweepEntry { PayloadSize = s, Attempts = s is 513 or 1025 ? 3 : 1, Failures = s is 513 or 1025 ? 3 : 0, Failed = s is 513 or 1025 }).ToArray(),
            Findings = new[]
            {
                ok.Findings[0],
                Finding.Error(FindingCodes.SizeSpecificLoss, "Envelope writes of exactly 513, 1025 bytes get no complete reply.", "Disable SMTP inspection.", new Dictionary<string, object> { ["NonMonotonic"] = true }),
            },
        };
    }

    public static EdnsReachabilityResult Edns(string server, string? name, params Finding[] findings) => new()
    {
        Server = server,
        ServerName = name,
        Name = "x.lab.test",
        Type = DnsRecordType.MX,
        LargestUdpAnswer = 997,
        SmallestLostUdpAnswer = 997,
        FullAnswerSize = 997,
        TcpWorks = true,
        EdnsSupported = true,
        RecommendedBufferSize = 1232,
        Probes = new[]
        {
            new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Udp, Edns = true, BufferSize = 1232, DnssecOk = true, Outcome = EdnsProbeOutcome.Answer, ResponseSize = 997 },
            new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Udp, Edns = true, BufferSize = 4096, DnssecOk = true, Outcome = EdnsProbeOutcome.Timeout },
            new EdnsProbe { Kind = EdnsProbeKind.Matrix, Transport = DnsTransport.Tcp, Edns = true, BufferSize = 4096, DnssecOk = true, Outcome = EdnsProbeOutcome.Answer, ResponseSize = 997 },
        },
        Findings = findings,
    };
}
