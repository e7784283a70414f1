using System.Linq;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Recognises an EHLO keyword an ESMTP inspection box has overwritten: Cisco ASA/PIX replace "STARTTLS" with
/// "XXXXXXXA" (a run of X, sometimes ending in another capital), keeping the line's length.
/// </summary>
public static class StartTlsMask
{
    /// <summary>True for a keyword made of at least four X (upper case) and at most one other capital at the end.</summary>
    public static bool IsMaskedKeyword(string? keyword)
    {
        var word = (keyword ?? string.Empty).Split(' ')[0];
        if (word.Length < 4)
        {
            return false;
        }

        var body = word[word.Length - 1] is >= 'A' and <= 'Z' and not 'X' ? word.Substring(0, word.Length - 1) : word;
        return body.Length >= 4 && body.All(c => c == 'X');
    }

    /// <summary>A masked keyword of STARTTLS's length (8), which is what STARTTLS becomes.</summary>
    public static bool IsMaskedStartTls(string? keyword) => IsMaskedKeyword(keyword) && (keyword ?? string.Empty).Split(' ')[0].Length == "STARTTLS".Length;
}
