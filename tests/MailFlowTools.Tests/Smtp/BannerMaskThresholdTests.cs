using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// Where a fixup box's masked greeting starts: at least four asterisks, and then either nothing but the mask
/// alphabet (asterisks, 2, 0, spaces) or asterisks making up at least 80% of the visible characters.
/// </summary>
public class BannerMaskThresholdTests
{
    [Theory]
    [InlineData("****", true)] // four asterisks is enough
    [InlineData("***", false)] // three is not
    [InlineData("*** 200", false)] // mask alphabet, but only three asterisks
    [InlineData("**** 2000000", true)] // mask alphabet only, although asterisks are 4 of 11
    [InlineData("****abcdefgh", false)] // asterisks 4 of 12 and letters besides
    [InlineData("****X", true)] // exactly 80% asterisks
    [InlineData("****XY", false)] // 67%
    [InlineData("*****X", true)] // 83%, one letter left unmasked
    [InlineData("********X* ********Y", true)] // 90%, spaces not counted
    public void MaskingNeedsFourAsterisksAndTheMaskAlphabetOrEightyPercent(string text, bool masked)
    {
        Assert.Equal(masked, BannerInspector.IsMasked(text));
    }
}
