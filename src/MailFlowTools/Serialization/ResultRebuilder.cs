using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Serialization;

/// <summary>
/// Rebuilds a live result from its deserialized property bag, property by property: nested results, readable
/// lists, dictionaries, enums (which travel as names) and nullable values. A part it cannot rebuild throws, so
/// PowerShell keeps the object as it arrived rather than a half-built result.
/// </summary>
internal static class ResultRebuilder
{
    private const string DeserializedPrefix = "Deserialized.";

    private static readonly Assembly ResultAssembly = typeof(Finding).Assembly;

    public static bool IsDeserializedForm(PSObject bag, Type liveType) =>
        IsResultType(liveType) && bag.TypeNames.Contains(DeserializedPrefix + liveType.FullName);

    public static object? Rebuild(object? value, Type target) => Rebuild(value, target, null);

    // keyOrder: a deserialized dictionary is a Hashtable, so the entries' order travels beside it (type data
    // adds <Name>Keys, e.g. Finding.EvidenceKeys).
    private static object? Rebuild(object? value, Type target, object? keyOrder)
    {
        if (value is null)
        {
            return null;
        }

        var baseObject = value is PSObject wrapped ? wrapped.BaseObject : value;
        if (target.IsInstanceOfType(baseObject))
        {
            return baseObject;
        }

        var type = Nullable.GetUnderlyingType(target) ?? target;
        if (type == typeof(DateTimeOffset))
        {
            return ToDateTimeOffset(PSObject.AsPSObject(value));
        }

        if (DictionaryTypes(type) is { } entryTypes)
        {
            return RebuildDictionary(baseObject, entryTypes.Key, entryTypes.Value, keyOrder);
        }

        if (ElementType(type) is { } elementType)
        {
            return RebuildList(baseObject, type, elementType);
        }

        if (IsResultType(type) && !type.IsEnum)
        {
            return RebuildResult(PSObject.AsPSObject(value), type);
        }

        // Enums arrive as their names (SerializationMethod String), or as numbers from older senders.
        return LanguagePrimitives.ConvertTo(baseObject, type, CultureInfo.InvariantCulture);
    }

    private static bool IsResultType(Type type) => type.Assembly == ResultAssembly && type.IsPublic;

    private static object RebuildResult(PSObject bag, Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is { } parameterless)
        {
            var result = parameterless.Invoke(null);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetSetMethod() is { } setter && bag.Properties[property.Name] is { } travelled)
                {
                    setter.Invoke(result, new[] { Rebuild(travelled.Value, property.PropertyType, KeyOrder(bag, property.Name)) });
                }
            }

            return result;
        }

        // Types with a constructor only (Finding, StagedFinding): its parameters are named after the properties.
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters()
            .Select(p => bag.Properties[p.Name] is { } travelled ? Rebuild(travelled.Value, p.ParameterType, KeyOrder(bag, p.Name ?? string.Empty)) : DefaultOf(p))
            .ToArray();
        return constructor.Invoke(arguments);
    }

    private static object? KeyOrder(PSObject bag, string name) =>
        bag.Properties.Match(name + "Keys").FirstOrDefault()?.Value;

    private static object? DefaultOf(ParameterInfo parameter) =>
        parameter.HasDefaultValue ? parameter.DefaultValue : parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null;

    private static object RebuildList(object travelled, Type listType, Type elementType)
    {
        if (travelled is string || travelled is not IEnumerable items)
        {
            // Serialized too shallow: the items became one string and cannot be rebuilt.
            throw new InvalidCastException($"A {listType.Name} arrived as text, not as items.");
        }

        var rebuilt = items.Cast<object?>().Select(item => Rebuild(item, elementType)).ToArray();
        var array = Array.CreateInstance(elementType, rebuilt.Length);
        Array.Copy(rebuilt, array, rebuilt.Length);
        if (listType.IsArray)
        {
            return array;
        }

        // ReadableList<T>, or an IReadOnlyList<T> property, which then holds a ReadableList<T>.
        return Activator.CreateInstance(typeof(ReadableList<>).MakeGenericType(elementType), array)!;
    }

    private static object RebuildDictionary(object travelled, Type keyType, Type valueType, object? keyOrder)
    {
        if (travelled is not IDictionary entries)
        {
            throw new InvalidCastException("A dictionary arrived as text, not as entries.");
        }

        var order = (PSObject.AsPSObject(keyOrder ?? Array.Empty<object>()).BaseObject as IEnumerable)?.Cast<object>().Select(k => k.ToString() ?? string.Empty).ToList() ?? new List<string>();
        var sorted = entries.Cast<DictionaryEntry>()
            .OrderBy(e => order.IndexOf(e.Key.ToString() ?? string.Empty) is var at && at >= 0 ? at : int.MaxValue);
        var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
        foreach (var entry in sorted)
        {
            var key = Rebuild(entry.Key, keyType)!;
            dictionary[key] = valueType == typeof(object) ? (entry.Value as PSObject)?.BaseObject ?? entry.Value : Rebuild(entry.Value, valueType);
        }

        return dictionary;
    }

    private static KeyValuePair<Type, Type>? DictionaryTypes(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));
        return dictionary is null ? null : new KeyValuePair<Type, Type>(dictionary.GetGenericArguments()[0], dictionary.GetGenericArguments()[1]);
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    private static DateTimeOffset ToDateTimeOffset(PSObject travelled)
    {
        if (travelled.Properties["UtcTicks"]?.Value is { } ticks)
        {
            var offset = travelled.Properties["Offset"]?.Value is TimeSpan o ? o : TimeSpan.Zero;
            return new DateTimeOffset(Convert.ToInt64(ticks, CultureInfo.InvariantCulture), TimeSpan.Zero).ToOffset(offset);
        }

        return DateTimeOffset.Parse(travelled.ToString(), CultureInfo.InvariantCulture);
    }
}
