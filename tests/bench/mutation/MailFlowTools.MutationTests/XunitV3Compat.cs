using System;

namespace MailFlowTools.Tests;

/// <summary>
/// The xunit v3 assertions the linked test files use that xunit v2 lacks. Declared in the tests' parent namespace,
/// it is found before the global <c>Xunit.Assert</c> and inherits every other assertion from it.
/// </summary>
internal sealed class Assert : Xunit.Assert
{
    private Assert()
    {
    }

    /// <summary>xunit v2 cannot skip at run time: a missing precondition fails the test here, naming the reason.</summary>
    public static void SkipUnless(bool condition, string reason)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Precondition missing (the xunit v3 project skips this test): " + reason);
        }
    }

    public static void SkipWhen(bool condition, string reason) => SkipUnless(!condition, reason);
}
