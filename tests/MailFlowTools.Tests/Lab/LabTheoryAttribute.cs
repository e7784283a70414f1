namespace MailFlowTools.Tests.Lab;

/// <summary>A theory that needs the network fault lab; skipped with the reason unless running as root on Linux.</summary>
public sealed class LabTheoryAttribute : TheoryAttribute
{
    public LabTheoryAttribute()
    {
        if (LabEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
