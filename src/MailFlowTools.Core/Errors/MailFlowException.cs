using System;

namespace MailFlowTools.Core.Errors;

/// <summary>
/// The one exception engines throw when a test could not run at all. A failed probe is a result, never this.
/// <see cref="IsInvalidInvocation"/> marks a bad call (terminating in PowerShell, exit 2 in the CLI).
/// Messages never contain secrets: callers pass redacted text only.
/// </summary>
public class MailFlowException : Exception
{
    public MailFlowException(string errorId, MailFlowErrorCategory category, string message, object? target = null, bool isInvalidInvocation = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
        IsInvalidInvocation = isInvalidInvocation;
    }

    /// <summary>Stable identifier, one of <see cref="ErrorIds"/>.</summary>
    public string ErrorId { get; }

    public MailFlowErrorCategory Category { get; }

    /// <summary>What the error is about (a host, a domain, a parameter value).</summary>
    public object? Target { get; }

    public bool IsInvalidInvocation { get; }

    public static MailFlowException InvalidArgument(string errorId, string message, object? target = null)
        => new(errorId, MailFlowErrorCategory.InvalidArgument, message, target, isInvalidInvocation: true);
}
