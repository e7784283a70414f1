namespace MailFlowTools.Core.Dns;

/// <summary>Whether a parsed reply answers a query: QR set, same ID, same question.</summary>
internal static class DnsResponseMatcher
{
    public static bool Matches(DnsMessage query, DnsMessage response)
    {
        if (!response.IsResponse || response.Id != query.Id)
        {
            return false;
        }

        var question = query.Question;
        if (question is null)
        {
            return response.Questions.Count == 0;
        }

        if (response.Questions.Count == 0)
        {
            // FORMERR, NOTIMP and BADVERS replies may omit the question; accept only error replies without one.
            return response.ResponseCode != DnsResponseCode.NoError;
        }

        return response.Questions.Count == 1 && question.Matches(response.Questions[0]);
    }
}
