using MailFlowTools.Core.Smtp.Status;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>The normalised domain to diagnose and the status (from an NDR or a queue's LastError) that led here.</summary>
public sealed class DiagnosisSeed
{
    public DiagnosisSeed(string domainName, SmtpStatusResult? status = null, string? statusSource = null, string? statusProblem = null)
    {
        DomainName = domainName;
        Status = status;
        StatusSource = statusSource;
        StatusProblem = statusProblem;
    }

    /// <summary>Lower-case ASCII domain.</summary>
    public string DomainName { get; }

    public SmtpStatusResult? Status { get; }

    /// <summary>"NDR" or "queue LastError".</summary>
    public string? StatusSource { get; }

    /// <summary>Why a given NDR or LastError could not be read, when it could not.</summary>
    public string? StatusProblem { get; }
}
