using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace MailFlowTools.Transformations;

/// <summary>
/// Lets whole Exchange objects bind to a domain-name parameter by value: Get-AcceptedDomain items give their
/// DomainName (an SmtpDomainWithSubdomains, turned into its text) and Get-Queue items their NextHopDomain.
/// Without it, PowerShell's by-value coercion would turn an AcceptedDomain into its display Name first.
/// Get-SendConnector's AddressSpaces ("SMTP:contoso.com;1", or AddressSpace objects with Type and Address) give
/// their SMTP address. Anything else is left alone for the normal binding (strings, or objects with a Domain or
/// Name property).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class MailDomainTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly string[] DomainProperties = { "DomainName", "NextHopDomain" };

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var unwrapped = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (unwrapped is null)
        {
            return inputData!;
        }

        if (unwrapped is string single)
        {
            return AddressSpaceDomain(single) ?? inputData;
        }

        if (unwrapped is IEnumerable items && unwrapped is not IDictionary)
        {
            var list = new List<string>();
            foreach (var item in items)
            {
                if (ToDomain(item) is not { } domain)
                {
                    return inputData;
                }

                list.Add(domain);
            }

            return list.ToArray();
        }

        return ToDomain(inputData) ?? inputData;
    }

    private static string? ToDomain(object? item)
    {
        if (item is null)
        {
            return null;
        }

        var ps = item as PSObject ?? PSObject.AsPSObject(item);
        if (ps.BaseObject is string s)
        {
            return AddressSpaceDomain(s) ?? s;
        }

        // A live AddressSpace: Type "SMTP" and the domain in Address.
        if (Text(ps.Properties["Type"]?.Value) is { } type && string.Equals(type, "SMTP", StringComparison.OrdinalIgnoreCase) && Text(ps.Properties["Address"]?.Value) is { } spaceAddress)
        {
            return spaceAddress;
        }

        foreach (var name in DomainProperties)
        {
            // PSObject.ToString keeps the text of deserialized objects (Exchange's remote shell sends
            // DomainName as a property bag whose own ToString would be empty).
            if (Text(ps.Properties[name]?.Value) is { } text)
            {
                return text;
            }
        }

        return null;
    }

    private static string? Text(object? value) => value is not null && value.ToString() is { Length: > 0 } text ? text : null;

    /// <summary>The domain of an SMTP address space in Exchange's text form, "SMTP:contoso.com;1"; null for other text.</summary>
    private static string? AddressSpaceDomain(string text)
    {
        const string Prefix = "SMTP:";
        if (!text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = text.Substring(Prefix.Length);
        var cost = rest.LastIndexOf(';');
        return (cost >= 0 ? rest.Substring(0, cost) : rest).Trim();
    }
}
