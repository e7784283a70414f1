using System;

namespace MailFlowTools.Cli.Binding;

/// <summary>Names the cmdlet a CLI verb mirrors, e.g. "Test-MxPath".</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CliVerbAttribute : Attribute
{
    public CliVerbAttribute(string cmdletName)
    {
        CmdletName = cmdletName;
    }

    public string CmdletName { get; }
}
