using System;
using System.IO;
using System.Reflection;
using MailFlowTools.Cli.Binding;

namespace MailFlowTools.Cli;

/// <summary>Usage text for the CLI; the full reference is the module's help (Get-Help).</summary>
public static class Help
{
    public static void WriteOverview(TextWriter writer)
    {
        writer.WriteLine("mailflow: find the network-path causes of mail failures.");
        writer.WriteLine();
        writer.WriteLine("Usage: mailflow <Command> [positional] [--parameter value]... [--json] [--verbose]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        foreach (var name in VerbRegistry.Names)
        {
            writer.WriteLine("  " + name);
        }

        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 no problem found, 1 a Warning or Error finding, 2 could not run, 130 interrupted.");
        writer.WriteLine("Run 'mailflow <Command> --help' for its parameters.");
    }

    public static void WriteVerb(TextWriter writer, CliVerb verb)
    {
        writer.WriteLine("Usage: mailflow " + ArgumentBinder.VerbName(verb) + " [options] [--json] [--verbose]");
        writer.WriteLine();
        foreach (var p in ArgumentBinder.ParametersOf(verb.GetType()))
        {
            var attribute = p.GetCustomAttribute<CliParameterAttribute>()!;
            var type = p.PropertyType;
            var valueHint = type == typeof(bool) ? string.Empty : " <" + Describe(type) + ">";
            var position = attribute.Position >= 0 ? " (position " + attribute.Position + ")" : string.Empty;
            writer.WriteLine("  --" + ArgumentBinder.ToKebabCase(p.Name) + valueHint + position);
            if (attribute.HelpText.Length > 0)
            {
                writer.WriteLine("      " + attribute.HelpText);
            }
        }
    }

    private static string Describe(Type type)
    {
        if (type.IsArray)
        {
            return Describe(type.GetElementType()!) + ",...";
        }

        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum ? string.Join("|", Enum.GetNames(t)) : t.Name.ToLowerInvariant() switch
        {
            "int32" => "int",
            var other => other,
        };
    }
}
