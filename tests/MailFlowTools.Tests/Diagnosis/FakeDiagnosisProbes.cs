using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Diagnosis;

/// <summary>Canned engine results for the diagnosis engine; records every call and can delay or hang each step.</summary>
internal sealed class FakeDiagnosisProbes : IDiagnosisProbes
{
    public Func<EdnsReachabilityRequest, IReadOnlyList<EdnsReachabilityResult>> Edns { get; set; } = _ => Array.Empty<EdnsReachabilityResult>();

    public Func<string, MxPathResult> MxPath { get; set; } = d => new MxPathResult { DomainName = d };

    /// <summary>Stage results by session options; default: a clean session ending where the options say.</summary>
    public Func<SmtpStageTimingOptions, IReadOnlyList<SmtpStageResult>> Stages { get; set; } = o => DiagnosisSamples.CleanSession(o);

    public Func<MtuProbeOptions, IReadOnlyList<MtuProbeResult>> Mtu { get; set; } = o => new[] { DiagnosisSamples.MtuOk(o.ComputerName) };

    public TimeSpan EdnsDelay { get; set; }

    public TimeSpan MxDelay { get; set; }

    /// <summary>Never completes (until cancelled): the time budget must end the run.</summary>
    public bool HangMtu { get; set; }

    public ConcurrentQueue<EdnsReachabilityRequest> EdnsCalls { get; } = new();

    public ConcurrentQueue<(string Domain, IReadOnlyList<string> DnsServers, MxPathOptions Options)> MxCalls { get; } = new();

    public ConcurrentQueue<SmtpStageTimingOptions> StageCalls { get; } = new();

    public ConcurrentQueue<MtuProbeOptions> MtuCalls { get; } = new();

    public async Task<IReadOnlyList<EdnsReachabilityResult>> ProbeEdnsAsync(EdnsReachabilityRequest request, Action<MailFlowException> onError, CancellationToken cancellationToken)
    {
        EdnsCalls.Enqueue(request);
        await Task.Delay(EdnsDelay, cancellationToken);
        return Edns(request);
    }

    public async Task<MxPathResult> TestMxPathAsync(string domainName, IReadOnlyList<string> dnsServers, MxPathOptions options, CancellationToken cancellationToken)
    {
        MxCalls.Enqueue((domainName, dnsServers, options));
        await Task.Delay(MxDelay, cancellationToken);
        return MxPath(domainName);
    }

    public Task<IReadOnlyList<SmtpStageResult>> RunStagesAsync(SmtpStageTimingOptions options, CancellationToken cancellationToken)
    {
        StageCalls.Enqueue(options);
        return Task.FromResult(Stages(options));
    }

    public async Task<IReadOnlyList<MtuProbeResult>> ProbeMtuAsync(MtuProbeOptions options, CancellationToken cancellationToken)
    {
        MtuCalls.Enqueue(options);
        if (HangMtu)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Mtu(options);
    }

    public SmtpStageTimingOptions StageCallFor(string address) => StageCalls.Single(o => o.Address == address);
}
