namespace MailFlowTools.Core.Errors;

/// <summary>Why a command could not run; the cmdlet base maps these onto PowerShell's ErrorCategory.</summary>
public enum MailFlowErrorCategory
{
    InvalidArgument,
    ObjectNotFound,
    PermissionDenied,
    ConnectionError,
    OperationTimeout,
    InvalidData,
    NotInstalled,
    ResourceUnavailable,
    NotSpecified,
}
