namespace MailFlowTools.Core.Diagnosis;

/// <summary>The step of a diagnosis a finding came from, in the order the steps run.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum DiagnosisStage : long
{
    Status,
    Dns,
    MxPath,
    SmtpStages,
    PathMtu,
}
