using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFlowTools.Cli.Output;

/// <summary>--json: an array of the result objects with .NET property names, enums as strings, nesting kept.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(TextWriter writer, IReadOnlyList<object> results)
    {
        // Serialise by runtime type so derived and nested result objects keep all their properties.
        writer.WriteLine(JsonSerializer.Serialize<object>(results, Options));
    }
}
