using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// Writes a finding's evidence (<c>IReadOnlyDictionary&lt;string, object&gt;</c>) by each value's runtime type
/// without reflection: types with metadata in <see cref="MailFlowJsonContext"/> as the serializer writes them,
/// maps as objects, lists as arrays, enums by name, and anything else as its invariant text.
/// </summary>
internal sealed class EvidenceConverter : JsonConverter<IReadOnlyDictionary<string, object>>
{
    public override IReadOnlyDictionary<string, object> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Evidence is written, never read.");

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, object> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var pair in value)
        {
            writer.WritePropertyName(pair.Key);
            WriteValue(writer, pair.Value, options);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else if (options.TryGetTypeInfo(value.GetType(), out var typeInfo))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }
        else if (value is IDictionary map)
        {
            writer.WriteStartObject();
            foreach (DictionaryEntry entry in map)
            {
                writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                WriteValue(writer, entry.Value, options);
            }

            writer.WriteEndObject();
        }
        else if (value is IEnumerable items)
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                WriteValue(writer, item, options);
            }

            writer.WriteEndArray();
        }
        else
        {
            // Enums by name, as the string enum converter writes them; an address or any other value as its text.
            writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
