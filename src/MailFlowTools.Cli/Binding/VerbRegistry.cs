using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace MailFlowTools.Cli.Binding;

/// <summary>Finds the verbs in this assembly by their [CliVerb] attribute; names are case-insensitive.</summary>
public static class VerbRegistry
{
    private static readonly Lazy<Dictionary<string, Type>> Verbs = new(() =>
        typeof(VerbRegistry).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CliVerb).IsAssignableFrom(t) && t.GetCustomAttribute<CliVerbAttribute>() is not null)
            .ToDictionary(t => t.GetCustomAttribute<CliVerbAttribute>()!.CmdletName, t => t, StringComparer.OrdinalIgnoreCase));

    public static IEnumerable<string> Names => Verbs.Value.Keys.OrderBy(k => k, StringComparer.Ordinal);

    public static bool TryCreate(string name, out CliVerb verb)
    {
        if (Verbs.Value.TryGetValue(name, out var type))
        {
            verb = (CliVerb)Activator.CreateInstance(type)!;
            return true;
        }

        verb = null!;
        return false;
    }

    public static Type? TypeOf(string name) => Verbs.Value.TryGetValue(name, out var t) ? t : null;
}
