using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// --json: an array of the result objects with .NET property names, enums as strings, nesting kept; the metadata
/// comes from <see cref="MailFlowJsonContext"/> (the enum strings too), so the native build writes the same.
/// </summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        TypeInfoResolver = MailFlowJsonContext.Default,
        Converters = { new EvidenceConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(TextWriter writer, IReadOnlyList<object> results)
    {
        // Each result by its runtime type (the list holds objects), so derived and nested results keep all their properties.
        writer.WriteLine(JsonSerializer.Serialize(results, Options.GetTypeInfo(typeof(IReadOnlyList<object>))));
    }
}
