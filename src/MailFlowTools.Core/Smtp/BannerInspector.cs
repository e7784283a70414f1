using System.Linq;

namespace MailFlowTools.Core.Smtp;

/// <summary>Recognises greetings rewritten by SMTP inspection boxes (Cisco PIX "fixup protocol smtp": "220 ****…0***").</summary>
public static class BannerInspector
{
    /// <summary>True when most of the greeting text is asterisks, with only the digits 2 and 0 and spaces left.</summary>
    public static bool IsMasked(string? bannerText)
    {
        if (string.IsNullOrEmpty(bannerText))
        {
            return false;
        }

        var visible = bannerText!.Where(c => c != ' ').ToList();
        var stars = visible.Count(c => c == '*');
        if (stars < 4)
        {
            return false;
        }

        var onlyMaskAlphabet = visible.All(c => c is '*' or '2' or '0');
        return onlyMaskAlphabet || stars * 10 >= visible.Count * 8;
    }
}
