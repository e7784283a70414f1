using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace MailFlowTools.Transformations;

/// <summary>
/// Lets whole Exchange objects bind to a domain-name parameter by value: Get-AcceptedDomain items give their
/// DomainName (an SmtpDomainWithSubdomains, turned into its text) and Get-Queue items their NextHopDomain.
/// Without it, PowerShell's by-value coercion would turn an AcceptedDomain into its display Name first.
/// Anything else is left alone for the normal binding (strings, or objects with a Domain or Name property).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class MailDomainTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly string[] DomainProperties = { "DomainName", "NextHopDomain" };

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var unwrapped = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (unwrapped is null || unwrapped is string)
        {
            return inputData!;
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
            return s;
        }

        foreach (var name in DomainProperties)
        {
            // PSObject.ToString keeps the text of deserialized objects (Exchange's remote shell sends
            // DomainName as a property bag whose own ToString would be empty).
            var value = ps.Properties[name]?.Value;
            if (value is not null && value.ToString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }
}
