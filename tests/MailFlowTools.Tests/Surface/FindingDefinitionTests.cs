using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using MailFlowTools.Core.Findings;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// Every finding code has one definition: all the places that build a finding with that code sit in one method
/// (SmtpFindings.BannerMasked, MxPathFindings.DnsLookupFailed, …), so a second wording written somewhere else, such
/// as the MX walk re-deriving the SMTP session's findings, fails here.
/// </summary>
public sealed class FindingDefinitionTests
{
    // A finding built with a literal code: new Finding(FindingCodes.X, …) or Finding.Error/Warning/Info(FindingCodes.X, …).
    // Also Make(condition, FindingCodes.X, …): a helper whose first argument picks the severity.
    private static readonly Regex Construction = new(@"(?:new(?:\s+Finding)?|Finding\.(?:Info|Warning|Error))\(\s*FindingCodes\.(?<code>\w+)|\bMake\(\s*[^,()]+,\s*FindingCodes\.(?<code>\w+)", RegexOptions.Compiled);

    // A member declaration at class level (four spaces in), to name the method a construction sits in.
    private static readonly Regex Member = new(@"^    (?:public|internal|private|protected)[^\n;=]*?(?<name>\w+)\s*\(", RegexOptions.Compiled | RegexOptions.Multiline);

    [Fact]
    public void Each_finding_code_is_defined_in_exactly_one_method()
    {
        var definitions = Definitions();
        var twice = definitions.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key + ": " + string.Join(", ", kv.Value)).ToList();
        Assert.True(twice.Count == 0, "Codes worded in more than one place:\n" + string.Join("\n", twice));
    }

    [Fact]
    public void Every_finding_code_has_a_definition()
    {
        var codes = typeof(FindingCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(c => c != FindingCodes.None)
            .ToList();
        var definitions = Definitions();
        Assert.True(codes.Count > 40, "the scan found too few codes: " + codes.Count);
        var undefined = codes.Where(c => !definitions.ContainsKey(c)).ToList();
        Assert.True(undefined.Count == 0, "Codes nobody builds: " + string.Join(", ", undefined));
    }

    [Fact]
    public void The_scan_sees_a_second_wording()
    {
        // The scanner itself: two methods building the same code are two definitions.
        const string source = "class A\n{\n    public static Finding One() => Finding.Error(FindingCodes.BannerMasked, \"a\", \"b\");\n\n    private static void Two(List<Finding> f)\n    {\n        f.Add(new Finding(\n            FindingCodes.BannerMasked, FindingSeverity.Warning, \"c\", \"d\"));\n    }\n}\n";
        var found = new Dictionary<string, HashSet<string>>();
        Scan("A.cs", source, found);
        Assert.Equal(new[] { "A.cs:One", "A.cs:Two" }, found["BannerMasked"].OrderBy(s => s, StringComparer.Ordinal));
    }

    private static Dictionary<string, HashSet<string>> Definitions()
    {
        var found = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var src = TestPaths.InRepo("src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            Scan(relative, File.ReadAllText(file), found);
        }

        return found;
    }

    // The mail-log codes are data: PathSignatureCatalog maps each signature to its code (Code) and its one wording
    // (Meaning), and the summary builds every such finding from those two. The catalogue is their one definition.
    private static readonly Regex CatalogueArm = new(@"=>\s*FindingCodes\.(?<code>\w+)", RegexOptions.Compiled);

    private static void Scan(string name, string source, Dictionary<string, HashSet<string>> found)
    {
        var matches = Construction.Matches(source).Cast<Match>();
        if (Path.GetFileName(name) == "PathSignatureCatalog.cs")
        {
            matches = matches.Concat(CatalogueArm.Matches(source).Cast<Match>());
        }

        foreach (var m in matches)
        {
            var member = Member.Matches(source.Substring(0, m.Index)).Cast<Match>().LastOrDefault()?.Groups["name"].Value ?? "?";
            var code = m.Groups["code"].Value;
            if (!found.TryGetValue(code, out var places))
            {
                found[code] = places = new HashSet<string>(StringComparer.Ordinal);
            }

            places.Add(name + ":" + member);
        }
    }
}
