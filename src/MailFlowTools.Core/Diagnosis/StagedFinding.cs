using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>A finding together with the step that produced it and what it was about (a server, a hop).</summary>
public sealed class StagedFinding
{
    public StagedFinding(DiagnosisStage stage, string subject, Finding finding)
    {
        Stage = stage;
        Subject = subject;
        Finding = finding;
    }

    public DiagnosisStage Stage { get; }

    /// <summary>What the finding is about, e.g. "ns2.lab.test 198.51.100.54" or "mx1.lab.test 198.51.100.25".</summary>
    public string Subject { get; }

    public Finding Finding { get; }

    public override string ToString() => $"{Stage}: {Subject}: {Finding}";
}
