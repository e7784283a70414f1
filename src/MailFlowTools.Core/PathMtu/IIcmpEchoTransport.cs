using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.PathMtu;

/// <summary>Sends one round of echo probes of given IP packet sizes to one address, all at once, and reports each outcome.</summary>
internal interface IIcmpEchoTransport : IDisposable
{
    /// <summary>RawSocket, DatagramSocket or PingApi.</summary>
    string Name { get; }

    /// <summary>False when "too big" errors cannot be told from plain loss with this transport.</summary>
    bool SeesTooBig { get; }

    Task<IReadOnlyList<MtuProbeAttempt>> RunRoundAsync(IReadOnlyList<ProbeRequest> requests, RoundWaitPolicy wait, CancellationToken cancellationToken);
}
