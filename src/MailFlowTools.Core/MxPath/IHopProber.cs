using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.MxPath;

/// <summary>
/// Probes single addresses for the MX walk. Network failures are results (an outcome), never exceptions;
/// cancellation throws OperationCanceledException and releases the socket at once.
/// </summary>
public interface IHopProber
{
    Task<HopProbeResult> ProbeAsync(HopProbeRequest request, CancellationToken cancellationToken);

    /// <summary>A bare TCP connect then close, to see whether the host answers on another port.</summary>
    Task<PortCheckOutcome> CheckPortAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken);
}
