using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization.Metadata;

namespace MailFlowTools.Cli.Output;

/// <summary>One readable property of a result object: its name, declared type and getter.</summary>
internal sealed record ResultProperty(string Name, Type Type, Func<object, object?> Get);

/// <summary>
/// The properties the text output shows, taken from the compile-time JSON metadata rather than reflection, so the
/// native build (whose trimmer drops reflection data it cannot see used) shows the same as the IL build, and the
/// text and the --json forms show the same properties.
/// </summary>
internal static class ResultProperties
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ResultProperty>> Cache = new();

    public static IReadOnlyList<ResultProperty> Of(Type type) => Cache.GetOrAdd(type, static t =>
        JsonOutput.Options.TryGetTypeInfo(t, out var info) && info.Kind == JsonTypeInfoKind.Object
            ? info.Properties.Where(p => p.Get is not null).Select(p => new ResultProperty(p.Name, p.PropertyType, p.Get!)).ToArray()
            : Array.Empty<ResultProperty>());
}
