using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using MailFlowTools.Cli.Verbs;

namespace MailFlowTools.Cli.Binding;

/// <summary>The verbs, named by their [CliVerb] attribute; names are case-insensitive.</summary>
public static class VerbRegistry
{
    // Listed, not discovered by scanning the assembly: the native build's trimmer keeps only what it can see.
    private static readonly Func<CliVerb>[] Factories =
    {
        () => new DebugMailFlowVerb(),
        () => new FindMtuBlackHoleVerb(),
        () => new GetSmtpStageTimingVerb(),
        () => new ResolveSmtpStatusVerb(),
        () => new TestEdnsReachabilityVerb(),
        () => new TestMxPathVerb(),
    };

    private static readonly Lazy<Dictionary<string, Func<CliVerb>>> Verbs = new(() =>
        Factories.ToDictionary(f => CmdletNameOf(f().GetType()), f => f, StringComparer.OrdinalIgnoreCase));

    public static IEnumerable<string> Names => Verbs.Value.Keys.OrderBy(k => k, StringComparer.Ordinal);

    public static bool TryCreate(string name, out CliVerb verb)
    {
        if (Verbs.Value.TryGetValue(name, out var factory))
        {
            verb = factory();
            return true;
        }

        verb = null!;
        return false;
    }

    private static string CmdletNameOf(Type verbType) =>
        verbType.GetCustomAttribute<CliVerbAttribute>()?.CmdletName
        ?? throw new InvalidOperationException(verbType.Name + " has no [CliVerb] attribute.");
}
