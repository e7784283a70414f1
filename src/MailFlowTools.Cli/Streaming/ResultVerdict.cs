using System.Linq;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Cli.Streaming;

/// <summary>The one word the closing summary counts a result under: its verdict or outcome.</summary>
public static class ResultVerdict
{
    public static string Of(object result) => result switch
    {
        MxPathResult mx => mx.Reachable ? "Reachable" : mx.MxSource is MxPathSource.Mx or MxPathSource.ImplicitMx ? "Unreachable" : mx.MxSource.ToString(),
        MailFlowDiagnosis diagnosis => diagnosis.Cause,
        MtuProbeResult mtu => mtu.BlackHole ? "BlackHole" : mtu.PathMtu is null ? "PathMtuUnknown" : "NoBlackHole",
        SmtpStageResult stage => stage.Stage + " " + stage.Outcome,
        IHasFindings withFindings => HighestSeverity(withFindings),
        _ => result.GetType().Name,
    };

    private static string HighestSeverity(IHasFindings result) =>
        result.Findings.Count == 0 ? "NoFindings" : result.Findings.Max(f => f.Severity).ToString();
}
