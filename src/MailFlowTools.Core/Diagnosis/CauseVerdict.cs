using System.Collections.Generic;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>The probable cause named by <see cref="CauseAnalyzer"/>, with the chain of evidence behind it.</summary>
public sealed class CauseVerdict
{
    public CauseVerdict(string cause, FaultLocation location, string summary, string recommendation, IReadOnlyList<string> evidenceChain)
    {
        Cause = cause;
        Location = location;
        Summary = summary;
        Recommendation = recommendation;
        EvidenceChain = evidenceChain;
    }

    /// <summary>A finding code, or "None".</summary>
    public string Cause { get; }

    public FaultLocation Location { get; }

    public string Summary { get; }

    public string Recommendation { get; }

    public IReadOnlyList<string> EvidenceChain { get; }
}
