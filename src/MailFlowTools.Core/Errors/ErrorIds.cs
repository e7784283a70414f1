namespace MailFlowTools.Core.Errors;

/// <summary>Stable error identifiers (the first part of PowerShell's FullyQualifiedErrorId).</summary>
public static class ErrorIds
{
    public const string InvalidDomainName = nameof(InvalidDomainName);
    public const string InvalidHostName = nameof(InvalidHostName);
    public const string InvalidAddress = nameof(InvalidAddress);
    public const string UnknownHost = nameof(UnknownHost);
    public const string ValueOutOfRange = nameof(ValueOutOfRange);
    public const string InvalidParameterCombination = nameof(InvalidParameterCombination);
    public const string NoStatusInInput = nameof(NoStatusInInput);
    public const string NoDnsServer = nameof(NoDnsServer);
    public const string DnsQueryFailed = nameof(DnsQueryFailed);
    public const string RawSocketNotPermitted = nameof(RawSocketNotPermitted);
    public const string SocketOptionUnsupported = nameof(SocketOptionUnsupported);
    public const string ProbeFailed = nameof(ProbeFailed);
    public const string ReportWriteFailed = nameof(ReportWriteFailed);
    public const string UnknownCommand = nameof(UnknownCommand);
    public const string InvalidUsage = nameof(InvalidUsage);
    public const string CredentialRequired = nameof(CredentialRequired);
    public const string UnexpectedError = nameof(UnexpectedError);
    public const string InvalidCertificateFile = nameof(InvalidCertificateFile);
}
