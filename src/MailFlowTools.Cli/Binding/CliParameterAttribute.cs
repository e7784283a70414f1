using System;

namespace MailFlowTools.Cli.Binding;

/// <summary>
/// Marks a verb property as a parameter. The property name is the cmdlet's parameter name;
/// on the command line it is written in kebab case (DnsServer → --dns-server).
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class CliParameterAttribute : Attribute
{
    /// <summary>Position for a value given without a name; -1 when it must be named.</summary>
    public int Position { get; set; } = -1;

    public bool Mandatory { get; set; }

    public string HelpText { get; set; } = string.Empty;

    /// <summary>
    /// A free-text list (replies, LastErrors, log lines): never split at commas, which such texts contain.
    /// Several items are given by repeating the parameter.
    /// </summary>
    public bool FreeText { get; set; }
}
