namespace MailFlowTools.Core.Findings;

/// <summary>How much a finding matters. Warning and Error make the CLI exit with 1.</summary>
public enum FindingSeverity
{
    Info,
    Warning,
    Error,
}
