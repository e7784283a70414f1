using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Progress;

/// <summary>
/// Debug-MailFlow's real engines, each call with its own progress bar nested under the diagnosis bar: the EDNS
/// probes of the resolvers and of the authoritative servers run side by side and would otherwise share one id.
/// </summary>
internal sealed class DiagnosisProgressProbes : IDiagnosisProbes
{
    /// <summary>Child bars count up from here, well clear of the engines' own ids.</summary>
    public const int FirstChildActivityId = 800;

    private readonly AsyncCmdlet _owner;
    private readonly IEngineReporter _host;
    private int _nextChildId = FirstChildActivityId - 1;

    public DiagnosisProgressProbes(AsyncCmdlet owner, IEngineReporter host)
    {
        _owner = owner;
        _host = host;
    }

    public Task<IReadOnlyList<EdnsReachabilityResult>> ProbeEdnsAsync(EdnsReachabilityRequest request, Action<MailFlowException> onError, CancellationToken cancellationToken) =>
        WithBarAsync("Test-EdnsReachability " + request.Name, reporter => new LiveDiagnosisProbes(reporter).ProbeEdnsAsync(request, onError, cancellationToken));

    public Task<MxPathResult> TestMxPathAsync(string domainName, IReadOnlyList<string> dnsServers, MxPathOptions options, CancellationToken cancellationToken) =>
        WithBarAsync("Test-MxPath " + domainName, reporter => new LiveDiagnosisProbes(reporter).TestMxPathAsync(domainName, dnsServers, options, cancellationToken));

    public Task<IReadOnlyList<SmtpStageResult>> RunStagesAsync(SmtpStageTimingOptions options, CancellationToken cancellationToken) =>
        WithBarAsync(SmtpStageProgress.Activity(options.ComputerName, options.Port), reporter =>
        {
            var bar = new SmtpStageProgress(reporter, reporter.ActivityId, options.ComputerName, options.Port);
            bar.Start();
            return SmtpStageTimingEngine.RunAsync(options, reporter, bar.Stage, cancellationToken);
        });

    public Task<IReadOnlyList<MtuProbeResult>> ProbeMtuAsync(MtuProbeOptions options, CancellationToken cancellationToken) =>
        WithBarAsync("Find-MtuBlackHole " + options.ComputerName, reporter => new LiveDiagnosisProbes(reporter).ProbeMtuAsync(options, cancellationToken));

    private async Task<T> WithBarAsync<T>(string activity, Func<NestedProgressReporter, Task<T>> run)
    {
        var reporter = new NestedProgressReporter(_owner, _host, activity, Interlocked.Increment(ref _nextChildId), MailFlowDiagnosisEngine.ProgressActivityId);
        try
        {
            return await run(reporter);
        }
        finally
        {
            reporter.Complete();
        }
    }
}
