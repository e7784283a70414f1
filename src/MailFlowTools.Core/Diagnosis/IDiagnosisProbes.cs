using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// The engines Debug-MailFlow drives. The live implementation calls the real DNS, MX-path, SMTP and path-MTU
/// engines; tests substitute canned results to check the order of steps and the reasoning without a network.
/// </summary>
public interface IDiagnosisProbes
{
    /// <summary>Test-EdnsReachability for one request; servers that cannot be probed go to <paramref name="onError"/>.</summary>
    Task<IReadOnlyList<EdnsReachabilityResult>> ProbeEdnsAsync(EdnsReachabilityRequest request, Action<MailFlowException> onError, CancellationToken cancellationToken);

    /// <summary>Test-MxPath for one normalised domain through <paramref name="dnsServers"/> (empty: the system's resolvers).</summary>
    Task<MxPathResult> TestMxPathAsync(string domainName, IReadOnlyList<string> dnsServers, MxPathOptions options, CancellationToken cancellationToken);

    /// <summary>Get-SmtpStageTiming: one session.</summary>
    Task<IReadOnlyList<SmtpStageResult>> RunStagesAsync(SmtpStageTimingOptions options, CancellationToken cancellationToken);

    /// <summary>Find-MtuBlackHole for one address.</summary>
    Task<IReadOnlyList<MtuProbeResult>> ProbeMtuAsync(MtuProbeOptions options, CancellationToken cancellationToken);
}
