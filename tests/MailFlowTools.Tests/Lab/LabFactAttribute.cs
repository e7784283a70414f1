using System.Runtime.CompilerServices;

namespace MailFlowTools.Tests.Lab;

/// <summary>A fact that needs the network fault lab; skipped with the reason unless running as root on Linux.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (LabEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
