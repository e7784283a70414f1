using System;
using System.Globalization;
using System.Management.Automation;

namespace MailFlowTools.Validation;

/// <summary>
/// 0 (the default: leave it to the system) or a value from <see cref="MinRange"/> to <see cref="MaxRange"/>, which
/// ValidateRange cannot say. The bounds come from the engine options' constants, and the surface tests compare them.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateRangeOrZeroAttribute : ValidateArgumentsAttribute
{
    public ValidateRangeOrZeroAttribute(int minRange, int maxRange)
    {
        MinRange = minRange;
        MaxRange = maxRange;
    }

    public int MinRange { get; }

    public int MaxRange { get; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = Convert.ToInt64(arguments is PSObject pso ? pso.BaseObject : arguments, CultureInfo.InvariantCulture);
        if (value != 0 && (value < MinRange || value > MaxRange))
        {
            throw new ValidationMetadataException(string.Format(CultureInfo.InvariantCulture, "The argument {0} is not 0 (the system default) or {1} to {2}.", value, MinRange, MaxRange));
        }
    }
}
