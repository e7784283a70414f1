using System.Collections.Generic;
using System.Reflection;
using MailFlowTools.Desktop;

namespace MailFlowTools.Tests.Surface;

/// <summary>The Windows PowerShell 5.1 resolver's decision: a failed reference and the folder's files in, a file or null out.</summary>
public class BundledAssemblyRuleTests
{
    private const string Buffers403 = "System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51";

    private static readonly KeyValuePair<string, AssemblyName>[] Folder =
    {
        Entry("/m/System.Buffers.dll", Buffers403),
        Entry("/m/System.Memory.dll", "System.Memory, Version=4.0.1.2, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"),
        Entry("/m/MailFlowTools.Core.dll", "MailFlowTools.Core, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null"),
    };

    [Theory]
    [InlineData("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "/m/System.Buffers.dll")]
    [InlineData("System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "/m/System.Buffers.dll")]
    [InlineData("System.Buffers, Version=4.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "/m/System.Buffers.dll")]
    [InlineData("system.buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "/m/System.Buffers.dll")]
    [InlineData("System.Memory, Version=4.0.1.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "/m/System.Memory.dll")]
    [InlineData("MailFlowTools.Core, Version=0.0.9.0, Culture=neutral, PublicKeyToken=null", "/m/MailFlowTools.Core.dll")]
    public void ANewerOrEqualShippedFileOfTheSameIdentityAnswers(string requested, string expected)
    {
        Assert.Equal(expected, BundledAssemblyRule.Choose(new AssemblyName(requested), Folder));
    }

    [Theory]
    [InlineData("System.Buffers, Version=4.0.4.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // the shipped 4.0.3.0 is older
    [InlineData("System.Buffers, Version=4.1.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // the shipped 4.0.3.0 is older (minor)
    [InlineData("System.Buffers, Version=3.9.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // another major
    [InlineData("System.Buffers, Version=5.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // another major
    [InlineData("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a")] // another publisher
    [InlineData("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=null")] // unsigned request, signed file
    [InlineData("MailFlowTools.Core, Version=0.1.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // signed request, unsigned file
    [InlineData("System.Buffers, Version=4.0.2.0, Culture=de, PublicKeyToken=cc7b13ffcd2ddd51")] // satellite resources
    [InlineData("System.Buffers")] // partial name: no version to compare
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // not shipped
    [InlineData("System.Buffers.Extra, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")] // name prefix only
    public void AnythingElseIsLeftToTheBinder(string requested)
    {
        Assert.Null(BundledAssemblyRule.Choose(new AssemblyName(requested), Folder));
    }

    [Fact]
    public void TheMatchingFileIsChosenAmongOthersWithTheSameName()
    {
        var folder = new[]
        {
            Entry("/a/System.Buffers.dll", "System.Buffers, Version=4.0.3.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"),
            Entry("/b/System.Buffers.dll", "System.Buffers, Version=4.0.1.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"),
            Entry("/c/System.Buffers.dll", Buffers403),
        };

        Assert.Equal("/c/System.Buffers.dll", BundledAssemblyRule.Choose(new AssemblyName("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"), folder));
    }

    [Fact]
    public void AnEmptyFolderAnswersNothing()
    {
        Assert.Null(BundledAssemblyRule.Choose(new AssemblyName("System.Buffers, Version=4.0.2.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"), System.Array.Empty<KeyValuePair<string, AssemblyName>>()));
    }

    private static KeyValuePair<string, AssemblyName> Entry(string path, string name) => new(path, new AssemblyName(name));
}
