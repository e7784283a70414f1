namespace MailFlowTools.Core.Smtp;

/// <summary>What the analyzer needs to know about the session beyond the stage itself.</summary>
internal sealed class SmtpAnalysisContext
{
    public SmtpAnalysisContext(SmtpStageTimingOptions options, string address, int recipientsAccepted, int recipientsRefused)
    {
        Options = options;
        Address = address;
        RecipientsAccepted = recipientsAccepted;
        RecipientsRefused = recipientsRefused;
    }

    public SmtpStageTimingOptions Options { get; }

    public string Address { get; }

    public int RecipientsAccepted { get; }

    public int RecipientsRefused { get; }
}
