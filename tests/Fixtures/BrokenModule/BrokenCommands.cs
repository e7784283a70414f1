// Deliberately broken cmdlets for the surface tests. Several types in one file on purpose: this is a fixture.
#pragma warning disable CA1050, SA1402, SA1649
using System;
using System.Management.Automation;

namespace BrokenModule;

// Unapproved verb; help has one example and an undescribed parameter.
[Cmdlet("Fetch", "Thing")]
[OutputType(typeof(string))]
public sealed class FetchThingCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    public int Size { get; set; }
}

// No OutputType, not exported, no help, no CLI verb.
[Cmdlet(VerbsCommon.Get, "Untyped")]
public sealed class GetUntypedCommand : PSCmdlet
{
}

// Parameters differ from its CLI verb.
[Cmdlet(VerbsDiagnostic.Test, "Mismatch")]
[OutputType(typeof(string))]
public sealed class TestMismatchCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public string Name { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Extra { get; set; }
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class CliVerbAttribute : Attribute
{
    public CliVerbAttribute(string cmdletName) => CmdletName = cmdletName;

    public string CmdletName { get; }
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class CliParameterAttribute : Attribute
{
}

[CliVerb("Fetch-Thing")]
public sealed class FetchThingVerb
{
    [CliParameter]
    public string Name { get; set; } = string.Empty;

    [CliParameter]
    public int Size { get; set; }
}

[CliVerb("Test-Mismatch")]
public sealed class TestMismatchVerb
{
    [CliParameter]
    public string Name { get; set; } = string.Empty;

    [CliParameter]
    public bool Other { get; set; }
}
