namespace MailFlowTools.Core.TlsPolicy;

/// <summary>What the <c>_mta-sts</c> TXT lookup said.</summary>
public sealed class MtaStsRecordCheck
{
    public MtaStsRecordCheck(MtaStsRecordStatus status, string? id, string? text, string? problem)
    {
        Status = status;
        Id = id;
        Text = text;
        Problem = problem;
    }

    public MtaStsRecordStatus Status { get; }

    public string? Id { get; }

    public string? Text { get; }

    public string? Problem { get; }
}
