using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Binding;

/// <summary>
/// Binds "mailflow Verb [positional] [--kebab-name value]…" onto a verb's [CliParameter] properties.
/// Switches are flags; arrays take commas or repeats (free-text arrays only repeats); enums are case-insensitive.
/// </summary>
public static class ArgumentBinder
{
    public static IReadOnlyList<PropertyInfo> ParametersOf([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type verbType) =>
        verbType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<CliParameterAttribute>() is not null && p.CanWrite)
            .ToList();

    /// <summary>DnsServer → dns-server, IPAddress → ip-address.</summary>
    public static string ToKebabCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                var prevLowerOrDigit = char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]);
                var acronymEnd = char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (prevLowerOrDigit || acronymEnd)
                {
                    sb.Append('-');
                }
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    public static void Bind(CliVerb verb, IReadOnlyList<string> args)
    {
        var parameters = ParametersOf(verb.GetType());
        var byName = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in parameters)
        {
            byName[ToKebabCase(p.Name)] = p;
            byName[p.Name] = p;
        }

        var positional = parameters
            .Select(p => (Property: p, Position: p.GetCustomAttribute<CliParameterAttribute>()!.Position))
            .Where(x => x.Position >= 0)
            .OrderBy(x => x.Position)
            .Select(x => x.Property)
            .ToList();
        var positionalIndex = 0;
        var collected = new Dictionary<PropertyInfo, List<string>>();

        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (TryParameterName(token, out var name, out var inlineValue))
            {
                if (!byName.TryGetValue(name, out var property))
                {
                    throw Usage($"Unknown parameter '{token}'. Run 'mailflow {VerbName(verb)} --help' for the list.");
                }

                if (IsSwitch(property))
                {
                    var on = inlineValue is null || ParseBool(inlineValue, token);
                    property.SetValue(verb, on);
                    continue;
                }

                string value;
                if (inlineValue is not null)
                {
                    value = inlineValue;
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw Usage($"Parameter '{token}' needs a value.");
                }

                Collect(collected, property, value);
                continue;
            }

            if (positionalIndex >= positional.Count)
            {
                throw Usage($"Unexpected argument '{token}'.");
            }

            var target = positional[positionalIndex];
            Collect(collected, target, token);

            // A positional array absorbs the following bare values; a scalar takes one.
            if (!target.PropertyType.IsArray)
            {
                positionalIndex++;
            }
        }

        foreach (var pair in collected)
        {
            pair.Key.SetValue(verb, Convert(pair.Key, pair.Value));
        }
    }

    public static string VerbName(CliVerb verb) => verb.GetType().GetCustomAttribute<CliVerbAttribute>()?.CmdletName ?? verb.GetType().Name;

    private static bool TryParameterName(string token, out string name, out string? inlineValue)
    {
        name = string.Empty;
        inlineValue = null;
        string body;
        if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
        {
            body = token.Substring(2);
        }
        else if (token.Length > 1 && token[0] == '-' && char.IsLetter(token[1]))
        {
            // PowerShell spelling (-DnsServer) is accepted too.
            body = token.Substring(1);
        }
        else
        {
            return false;
        }

        var eq = body.IndexOf('=');
        if (eq > 0)
        {
            inlineValue = body.Substring(eq + 1);
            body = body.Substring(0, eq);
        }

        // -Deliver:$false in PowerShell style.
        var colon = body.IndexOf(':');
        if (colon > 0 && inlineValue is null)
        {
            inlineValue = body.Substring(colon + 1).TrimStart('$');
            body = body.Substring(0, colon);
        }

        name = body;
        return true;
    }

    private static void Collect(Dictionary<PropertyInfo, List<string>> collected, PropertyInfo property, string value)
    {
        if (!collected.TryGetValue(property, out var list))
        {
            list = new List<string>();
            collected[property] = list;
        }

        if (property.PropertyType.IsArray && property.GetCustomAttribute<CliParameterAttribute>()?.FreeText == true)
        {
            // A reply or a log line is one item however many commas it holds.
            list.Add(value);
        }
        else if (property.PropertyType.IsArray)
        {
            var items = value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();

            // An explicit "" is a value the verb must judge (an empty name), not the same as giving nothing.
            list.AddRange(items.Count > 0 ? items : new List<string> { string.Empty });
        }
        else
        {
            if (list.Count > 0)
            {
                throw Usage($"Parameter --{ToKebabCase(property.Name)} was given more than once.");
            }

            list.Add(value);
        }
    }

    private static object? Convert(PropertyInfo property, List<string> values)
    {
        var type = property.PropertyType;
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = NewArray(element, values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                array.SetValue(ConvertScalar(element, values[i], property.Name), i);
            }

            return array;
        }

        return ConvertScalar(type, values[0], property.Name);
    }

    // The element types the verbs use, spelled out: the native build cannot make an array of a type found at run time.
    private static Array NewArray(Type element, int length) =>
        element == typeof(string) ? new string[length]
        : element == typeof(int) ? new int[length]
        : element == typeof(double) ? new double[length]
        : throw new InvalidOperationException($"Parameter type {element}[] is not supported by the CLI binder.");

    private static object ConvertScalar(Type type, string value, string parameterName)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            if (underlying == typeof(string))
            {
                return value;
            }

            if (underlying.IsEnum)
            {
                if (Enum.GetNames(underlying).FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)) is { } match)
                {
                    return Enum.Parse(underlying, match);
                }

                throw Usage($"'{value}' is not valid for --{ToKebabCase(parameterName)}. Use one of: {string.Join(", ", Enum.GetNames(underlying))}.");
            }

            if (underlying == typeof(int))
            {
                return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            }

            if (underlying == typeof(double))
            {
                return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            if (underlying == typeof(bool))
            {
                return ParseBool(value, parameterName);
            }
        }
        catch (FormatException)
        {
            var expected = underlying == typeof(int) ? "whole number" : underlying == typeof(double) ? "number" : underlying.Name;
            throw Usage($"'{value}' is not a valid {expected} for --{ToKebabCase(parameterName)}.");
        }
        catch (OverflowException)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"'{value}' is out of range for --{ToKebabCase(parameterName)}: it does not fit a {(underlying == typeof(int) ? "32-bit integer" : underlying.Name)}.", value);
        }

        throw new InvalidOperationException($"Parameter type {type} is not supported by the CLI binder.");
    }

    private static bool IsSwitch(PropertyInfo property) => property.PropertyType == typeof(bool);

    private static bool ParseBool(string value, string parameter) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw Usage($"'{value}' is not true or false for '{parameter}'."),
    };

    private static MailFlowException Usage(string message) =>
        MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, message);
}
