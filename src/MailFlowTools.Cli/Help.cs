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
        writer.WriteLine("Usage: mailflow <Command> [positional] [--parameter value]... [--json | --json-lines] [--ordered] [--resume FILE] [--verbose]");
        writer.WriteLine();
        writer.WriteLine("Commands:");
        foreach (var name in VerbRegistry.Names)
        {
            writer.WriteLine("  " + name);
        }

        writer.WriteLine();
        WriteOutputOptions(writer, null);
        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 no problem found, 1 a Warning or Error finding, 2 could not run, 130 interrupted.");
        writer.WriteLine("Run 'mailflow <Command> --help' for its parameters.");
    }

    public static void WriteVerb(TextWriter writer, CliVerb verb)
    {
        writer.WriteLine("Usage: mailflow " + ArgumentBinder.VerbName(verb) + " [options] [--json | --json-lines] [--ordered] [--resume FILE] [--verbose]");
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

        writer.WriteLine();
        WriteOutputOptions(writer, verb);
    }

    /// <summary>The options every command shares: output form, order, resume, and the summary.</summary>
    private static void WriteOutputOptions(TextWriter writer, CliVerb? verb)
    {
        writer.WriteLine("Output (every command):");
        writer.WriteLine("  --json");
        writer.WriteLine("      One JSON array of the results, each element written as its result completes; Ctrl+C still closes it.");
        writer.WriteLine("  --json-lines");
        writer.WriteLine("      One compact JSON object per line, written as each result completes (for jq, log shippers, SIEMs).");
        writer.WriteLine("  --ordered");
        writer.WriteLine("      Results in input order (default: as they complete). Early results wait, bounded: the reader waits too.");
        writer.WriteLine("  --resume <file>");
        if (verb is null)
        {
            writer.WriteLine("      Skip the names already in an earlier --json-lines output (DomainName for Test-MxPath and Debug-MailFlow,");
            writer.WriteLine("      Name for Test-EdnsReachability, ComputerName for Find-MtuBlackHole and Get-SmtpStageTiming).");
        }
        else if (verb.ResumeProperty is { } property)
        {
            writer.WriteLine("      Skip the names already in an earlier --json-lines output; a name is its result's " + property + ".");
        }
        else
        {
            writer.WriteLine("      Not for this command: its inputs are not names.");
        }

        writer.WriteLine("  Names piped on standard input are read as they arrive. With more than one target, a summary line");
        writer.WriteLine("  (targets read, finished, skipped, repeated; results by verdict; could not run; time, targets/s)");
        writer.WriteLine("  goes to standard error, so standard output stays pure data.");
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
