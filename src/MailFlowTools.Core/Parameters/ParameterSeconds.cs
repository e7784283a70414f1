using System;

namespace MailFlowTools.Core.Parameters;

/// <summary>
/// Seconds exist only at the parameter edge (-TimeoutSeconds and the like); the engines take TimeSpan. This turns
/// one into the other, the same way in every FromParameters and on every framework.
/// </summary>
internal static class ParameterSeconds
{
    // Far beyond any range a parameter allows, and safely inside TimeSpan's.
    private const double MaxTicks = 9e18;

    /// <summary>
    /// The duration to the nearest tick (TimeSpan.FromSeconds rounds to milliseconds on .NET Framework); null for
    /// NaN, infinity or a value no TimeSpan can hold.
    /// </summary>
    public static TimeSpan? ToTimeSpan(double seconds)
    {
        var ticks = seconds * TimeSpan.TicksPerSecond;
        return ticks is >= -MaxTicks and <= MaxTicks ? TimeSpan.FromTicks((long)Math.Round(ticks)) : null;
    }

    /// <summary>The seconds a duration stands for, as an error message names them (exact for any value given to the tick).</summary>
    public static double Of(TimeSpan duration) => (double)duration.Ticks / TimeSpan.TicksPerSecond;

    /// <summary>
    /// The parameter's value as a duration when it is one and <paramref name="inRange"/> holds; otherwise throws
    /// <paramref name="outOfRange"/> for the value exactly as given.
    /// </summary>
    public static TimeSpan Convert(double seconds, Func<TimeSpan, bool> inRange, Func<double, Exception> outOfRange) =>
        ToTimeSpan(seconds) is { } duration && inRange(duration) ? duration : throw outOfRange(seconds);
}
