using System;

namespace MailFlowTools.Tests.Dns;

internal static class FakeZoneExtensions
{
    /// <summary>Configure a value inline and return it.</summary>
    public static T Also<T>(this T value, Action<T> configure)
    {
        configure(value);
        return value;
    }
}
