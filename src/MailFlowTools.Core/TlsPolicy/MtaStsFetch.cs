namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The outcome of one policy fetch: the body, or why there is none.</summary>
public sealed class MtaStsFetch
{
    public MtaStsFetch(string url, int? httpStatus, MtaStsStatus status, TlsResultType? resultType, string? problem, string? body)
    {
        Url = url;
        HttpStatus = httpStatus;
        Status = status;
        ResultType = resultType;
        Problem = problem;
        Body = body;
    }

    public string Url { get; }

    public int? HttpStatus { get; }

    /// <summary>Valid when a body was read (it still has to parse).</summary>
    public MtaStsStatus Status { get; }

    public TlsResultType? ResultType { get; }

    public string? Problem { get; }

    public string? Body { get; }
}
