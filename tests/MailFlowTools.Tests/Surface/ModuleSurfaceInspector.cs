using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// Checks a binary module's public surface from metadata alone (this also holds where no PowerShell runs, such as the Windows PowerShell 5.1 build):
/// approved verbs, [OutputType], manifest exports, MAML help completeness, and CLI parity.
/// Returns violations as text so a broken fixture can prove each check bites.
/// </summary>
public sealed class ModuleSurfaceInspector
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    };

    public sealed record CmdletInfo(string Name, string Verb, bool HasOutputType, IReadOnlyList<string> Parameters);

    public sealed record VerbInfo(string Name, IReadOnlyList<string> Parameters);

    public static IReadOnlyList<CmdletInfo> ReadCmdlets(string assemblyPath, string powerShellReference)
    {
        using var context = CreateContext(assemblyPath, powerShellReference);
        var cmdlets = new List<CmdletInfo>();
        foreach (var (type, verb, noun) in CmdletTypes(context.LoadFromAssemblyPath(assemblyPath)))
        {
            var hasOutputType = type.GetCustomAttributesData().Any(a => a.AttributeType.Name == "OutputTypeAttribute");
            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.Name == "ParameterAttribute"))
                .Select(p => p.Name)
                .Where(n => !CommonParameters.Contains(n))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
            cmdlets.Add(new CmdletInfo(verb + "-" + noun, verb, hasOutputType, parameters));
        }

        return cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The approved verbs: the constants of PowerShell's Verbs* classes, read from the reference assembly.</summary>
    public sealed record PipelineParameter(string Cmdlet, string Name, IReadOnlyList<string> Aliases, bool ByValue, bool ByPropertyName, bool TransformsMailDomains);

    /// <summary>A cmdlet parameter's range check: ValidateRange, or ValidateRangeOrZero (0, or Min to Max).</summary>
    public sealed record ParameterRange(string Cmdlet, string Parameter, string Attribute, double Min, double Max);

    /// <summary>Every range check on a cmdlet parameter, with its bounds as numbers.</summary>
    public static IReadOnlyList<ParameterRange> ReadParameterRanges(string assemblyPath, string powerShellReference)
    {
        using var context = CreateContext(assemblyPath, powerShellReference);
        var found = new List<ParameterRange>();
        foreach (var (type, verb, noun) in CmdletTypes(context.LoadFromAssemblyPath(assemblyPath)))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var a in property.GetCustomAttributesData().Where(a => a.AttributeType.Name is "ValidateRangeAttribute" or "ValidateRangeOrZeroAttribute"))
                {
                    var args = a.ConstructorArguments;
                    found.Add(new ParameterRange(verb + "-" + noun, property.Name, a.AttributeType.Name.Replace("Attribute", string.Empty), Convert.ToDouble(args[0].Value, System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(args[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }

        return found;
    }

    /// <summary>Every cmdlet parameter that takes pipeline input, with its aliases and argument transformation.</summary>
    public static IReadOnlyList<PipelineParameter> ReadPipelineParameters(string assemblyPath, string powerShellReference)
    {
        using var context = CreateContext(assemblyPath, powerShellReference);
        var found = new List<PipelineParameter>();
        foreach (var (type, verb, noun) in CmdletTypes(context.LoadFromAssemblyPath(assemblyPath)))
        {
            var cmdlet = verb + "-" + noun;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var attributes = property.GetCustomAttributesData();
                var parameters = attributes.Where(a => a.AttributeType.Name == "ParameterAttribute").ToList();
                bool Named(string name) => parameters.Any(a => a.NamedArguments.Any(n => n.MemberName == name && n.TypedValue.Value is true));
                var byValue = Named("ValueFromPipeline");
                var byPropertyName = Named("ValueFromPipelineByPropertyName");
                if (!byValue && !byPropertyName)
                {
                    continue;
                }

                var aliases = attributes.Where(a => a.AttributeType.Name == "AliasAttribute")
                    .SelectMany(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!))
                    .ToList();
                var transforms = attributes.Any(a => a.AttributeType.Name == "MailDomainTransformationAttribute");
                found.Add(new PipelineParameter(cmdlet, property.Name, aliases, byValue, byPropertyName, transforms));
            }
        }

        return found;
    }

    public static IReadOnlySet<string> ReadApprovedVerbs(string powerShellReference)
    {
        using var context = CreateContext(powerShellReference, powerShellReference);
        var sma = context.LoadFromAssemblyPath(powerShellReference);
        var verbs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in sma.GetTypes().Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal)))
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral))
            {
                verbs.Add((string)field.GetRawConstantValue()!);
            }
        }

        return verbs;
    }

    /// <summary>CLI verbs: classes with an attribute named CliVerbAttribute and properties marked CliParameterAttribute.</summary>
    public static IReadOnlyList<VerbInfo> ReadCliVerbs(string assemblyPath, string powerShellReference)
    {
        using var context = CreateContext(assemblyPath, powerShellReference);
        var assembly = context.LoadFromAssemblyPath(assemblyPath);
        var verbs = new List<VerbInfo>();
        foreach (var type in assembly.GetTypes())
        {
            var attribute = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == "CliVerbAttribute");
            if (attribute is null)
            {
                continue;
            }

            var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.Name == "CliParameterAttribute"))
                .Select(p => p.Name)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();
            verbs.Add(new VerbInfo((string)attribute.ConstructorArguments[0].Value!, parameters));
        }

        return verbs;
    }

    public static IReadOnlyList<string> ReadManifestCmdlets(string manifestPath)
    {
        var text = File.ReadAllText(manifestPath);
        var match = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline);
        if (!match.Success)
        {
            return Array.Empty<string>();
        }

        return Regex.Matches(match.Groups["list"].Value, @"'(?<name>[^']+)'|""(?<name>[^""]+)""")
            .Select(m => m.Groups["name"].Value)
            .ToList();
    }

    public static IReadOnlyList<string> Inspect(
        IReadOnlyList<CmdletInfo> cmdlets,
        IReadOnlySet<string> approvedVerbs,
        IReadOnlyList<string> manifestCmdlets,
        string helpPath,
        IReadOnlyList<VerbInfo> cliVerbs)
    {
        var violations = new List<string>();
        foreach (var cmdlet in cmdlets)
        {
            if (!approvedVerbs.Contains(cmdlet.Verb))
            {
                violations.Add($"{cmdlet.Name}: '{cmdlet.Verb}' is not an approved verb.");
            }

            if (!cmdlet.HasOutputType)
            {
                violations.Add($"{cmdlet.Name}: no [OutputType].");
            }
        }

        var names = cmdlets.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in names.Except(manifestCmdlets))
        {
            violations.Add($"{missing}: not in the manifest's CmdletsToExport.");
        }

        foreach (var extra in manifestCmdlets.Except(names))
        {
            violations.Add($"{extra}: exported by the manifest but not defined in the assembly.");
        }

        violations.AddRange(InspectHelp(cmdlets, helpPath));

        var verbsByName = cliVerbs.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var cmdlet in cmdlets)
        {
            if (!verbsByName.TryGetValue(cmdlet.Name, out var verb))
            {
                violations.Add($"{cmdlet.Name}: the CLI has no such verb.");
                continue;
            }

            foreach (var p in cmdlet.Parameters.Except(verb.Parameters, StringComparer.Ordinal))
            {
                violations.Add($"{cmdlet.Name}: parameter -{p} is missing from the CLI verb.");
            }

            foreach (var p in verb.Parameters.Except(cmdlet.Parameters, StringComparer.Ordinal))
            {
                violations.Add($"{cmdlet.Name}: the CLI verb has --{p}, which the cmdlet lacks.");
            }
        }

        foreach (var verb in cliVerbs.Where(v => !names.Contains(v.Name)))
        {
            violations.Add($"{verb.Name}: a CLI verb with no cmdlet.");
        }

        return violations;
    }

    private static IEnumerable<string> InspectHelp(IReadOnlyList<CmdletInfo> cmdlets, string helpPath)
    {
        if (!File.Exists(helpPath))
        {
            yield return $"Help file '{helpPath}' is missing.";
            yield break;
        }

        var document = XDocument.Load(helpPath);
        var commands = document.Descendants(Command + "command")
            .ToDictionary(c => (string?)c.Element(Command + "details")?.Element(Command + "name") ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        foreach (var cmdlet in cmdlets)
        {
            if (!commands.TryGetValue(cmdlet.Name, out var command))
            {
                yield return $"{cmdlet.Name}: no MAML help.";
                continue;
            }

            var synopsis = Text(command.Element(Command + "details")?.Element(Maml + "description"));
            if (synopsis.Length == 0)
            {
                yield return $"{cmdlet.Name}: help has no synopsis.";
            }

            if (Text(command.Element(Maml + "description")).Length == 0)
            {
                yield return $"{cmdlet.Name}: help has no description.";
            }

            var examples = command.Element(Command + "examples")?.Elements(Command + "example").ToList() ?? new List<XElement>();
            if (examples.Count < 2)
            {
                yield return $"{cmdlet.Name}: help has {examples.Count} example(s); at least two are needed.";
            }

            foreach (var example in examples.Where(e => ((string?)e.Element(Dev + "code") ?? string.Empty).Trim().Length == 0))
            {
                yield return $"{cmdlet.Name}: an example has no code.";
            }

            var described = command.Element(Command + "parameters")?.Elements(Command + "parameter")
                .Where(p => Text(p.Element(Maml + "description")).Length > 0)
                .Select(p => (string?)p.Element(Maml + "name") ?? string.Empty)
                .ToHashSet(StringComparer.OrdinalIgnoreCase) ?? new HashSet<string>();
            foreach (var parameter in cmdlet.Parameters.Where(p => !described.Contains(p)))
            {
                yield return $"{cmdlet.Name}: parameter -{parameter} is not described in the help.";
            }
        }
    }

    private static string Text(XElement? element) => element is null ? string.Empty : string.Concat(element.Descendants(Maml + "para").Select(p => p.Value)).Trim();

    /// <summary>The concrete classes carrying [Cmdlet(verb, noun)].</summary>
    private static IEnumerable<(Type Type, string Verb, string Noun)> CmdletTypes(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            var cmdletAttribute = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == "CmdletAttribute");
            if (cmdletAttribute is not null)
            {
                yield return (type, (string)cmdletAttribute.ConstructorArguments[0].Value!, (string)cmdletAttribute.ConstructorArguments[1].Value!);
            }
        }
    }

    private static MetadataLoadContext CreateContext(string assemblyPath, string powerShellReference)
    {
        var paths = new List<string>(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
        {
            powerShellReference,
        };
        paths.AddRange(Directory.GetFiles(Path.GetDirectoryName(assemblyPath)!, "*.dll").Where(p => !p.EndsWith("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase)));
        var unique = paths.GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(g => g.First());
        return new MetadataLoadContext(new PathAssemblyResolver(unique), "System.Private.CoreLib");
    }
}
