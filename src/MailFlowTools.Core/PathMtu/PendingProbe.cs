using System.Diagnostics;
using System.Threading.Tasks;

namespace MailFlowTools.Core.PathMtu;

/// <summary>A probe on the wire, waiting for its reply or error; the first answer wins.</summary>
internal sealed class PendingProbe
{
    private readonly TaskCompletionSource<MtuProbeAttempt> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingProbe(ProbeRequest request, MtuProbeMethod method)
    {
        Request = request;
        Method = method;
    }

    public ProbeRequest Request { get; }

    public MtuProbeMethod Method { get; }

    public long SentTimestamp { get; set; }

    public Task<MtuProbeAttempt> Task => _done.Task;

    public double ElapsedMs => (Stopwatch.GetTimestamp() - SentTimestamp) * 1000.0 / Stopwatch.Frequency;

    public bool Complete(MtuProbeOutcome outcome, double? rttMs = null, int? reportedMtu = null, string? reportedBy = null, string? detail = null) =>
        _done.TrySetResult(new MtuProbeAttempt
        {
            Method = Method,
            Round = Request.Round,
            Size = Request.Size,
            RequestedSize = Request.Size,
            Attempt = Request.Attempt,
            Outcome = outcome,
            RttMs = rttMs is { } r ? System.Math.Round(r, 3) : null,
            ReportedMtu = reportedMtu,
            ReportedBy = reportedBy,
            Detail = detail,
        });
}
