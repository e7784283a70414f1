using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>The real engines behind Debug-MailFlow.</summary>
public sealed class LiveDiagnosisProbes : IDiagnosisProbes
{
    private readonly IEngineReporter _reporter;

    public LiveDiagnosisProbes(IEngineReporter? reporter = null)
    {
        _reporter = reporter ?? NullEngineReporter.Instance;
    }

    public async Task<IReadOnlyList<EdnsReachabilityResult>> ProbeEdnsAsync(EdnsReachabilityRequest request, Action<MailFlowException> onError, CancellationToken cancellationToken)
    {
        var results = new List<EdnsReachabilityResult>();
        await EdnsReachabilityRunner.RunAsync(request, r => { lock (results) { results.Add(r); } }, onError, _reporter, cancellationToken);
        return results;
    }

    public async Task<MxPathResult> TestMxPathAsync(string domainName, IReadOnlyList<string> dnsServers, MxPathOptions options, CancellationToken cancellationToken)
    {
        var engine = await MxPathEngine.CreateAsync(dnsServers, _reporter, cancellationToken);
        return await engine.TestAsync(domainName, options, cancellationToken);
    }

    public Task<IReadOnlyList<SmtpStageResult>> RunStagesAsync(SmtpStageTimingOptions options, CancellationToken cancellationToken) =>
        SmtpStageTimingEngine.RunAsync(options, _reporter, null, cancellationToken);

    public async Task<IReadOnlyList<MtuProbeResult>> ProbeMtuAsync(MtuProbeOptions options, CancellationToken cancellationToken)
    {
        var results = new List<MtuProbeResult>();
        await new PathMtuEngine(_reporter).RunAsync(options, r => { lock (results) { results.Add(r); } }, cancellationToken);
        return results;
    }
}
