namespace MailFlowTools.Core.Diagnosis;

/// <summary>The step of a diagnosis a finding came from, in the order the steps run.</summary>
public enum DiagnosisStage
{
    Status,
    Dns,
    MxPath,
    SmtpStages,
    PathMtu,
}
