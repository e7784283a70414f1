namespace MailFlowTools.Tests.Lab;

/// <summary>A fact that needs the network fault lab; skipped with the reason unless running as root on Linux.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (LabEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
