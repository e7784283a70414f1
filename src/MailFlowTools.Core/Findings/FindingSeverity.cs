namespace MailFlowTools.Core.Findings;

/// <summary>How much a finding matters. Warning and Error make the CLI exit with 1.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum FindingSeverity : long
{
    Info,
    Warning,
    Error,
}
