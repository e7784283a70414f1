using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// --json and --json-lines: result objects with .NET property names, enums as strings, nesting kept; the metadata
/// comes from <see cref="MailFlowJsonContext"/> (the enum strings too), so the native build writes the same.
/// Every result the CLI writes as JSON goes through <see cref="WriteResult"/>.
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

    /// <summary>Writer settings for one --json array: indented like the serializer options.</summary>
    public static readonly JsonWriterOptions ArrayWriterOptions = new() { Indented = true, Encoder = Options.Encoder };

    /// <summary>Writer settings for --json-lines: one object per line, so no indentation.</summary>
    public static readonly JsonWriterOptions LineWriterOptions = new() { Indented = false, Encoder = Options.Encoder };

    /// <summary>Serialises one result by its runtime type, so derived and nested result objects keep all their properties.</summary>
    public static void WriteResult(Utf8JsonWriter writer, object result) =>
        JsonSerializer.Serialize(writer, result, Options.GetTypeInfo(result.GetType()));

    /// <summary>
    /// Builds the metadata for <paramref name="resultType"/> and every type it nests (converters, property lists:
    /// a few hundred milliseconds of JIT in the IL build). A verb calls it in the background as it starts, so the
    /// first result does not wait for it after its probe.
    /// </summary>
    public static void Prepare(Type resultType)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>();
        pending.Push(resultType);
        while (pending.Count > 0)
        {
            var type = pending.Pop();
            if (!seen.Add(type) || !Options.TryGetTypeInfo(type, out var info))
            {
                continue;
            }

            foreach (var property in info.Properties)
            {
                pending.Push(property.PropertyType);
            }

            // Lists and arrays: their element types (metadata of a collection does not list its elements' properties).
            if (type.IsArray)
            {
                pending.Push(type.GetElementType()!);
            }
            else if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    pending.Push(argument);
                }
            }
        }
    }

    /// <summary>A whole array at once (for callers that hold a finished list); the CLI itself streams.</summary>
    public static void Write(TextWriter writer, IReadOnlyList<object> results)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, ArrayWriterOptions))
        {
            json.WriteStartArray();
            foreach (var result in results)
            {
                WriteResult(json, result);
            }

            json.WriteEndArray();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
