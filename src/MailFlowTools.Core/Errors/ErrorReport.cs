using System;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Errors;

/// <summary>
/// What hosts show of a <see cref="MailFlowException"/>: the cmdlet's ErrorRecord (exception, error ID, category,
/// target object) and the CLI's error line are both built from <see cref="ForDisplay"/>, so neither can carry a
/// known secret: the message is masked, the target is reduced to a plain value, and an inner exception that
/// mentions a secret is dropped.
/// </summary>
public static class ErrorReport
{
    public static MailFlowException ForDisplay(MailFlowException exception, SecretRedactor? secrets)
    {
        if (exception is null)
        {
            throw new ArgumentNullException(nameof(exception));
        }

        secrets ??= SecretRedactor.None;
        var target = SafeTarget(exception.Target, secrets);
        if (!secrets.Contains(exception) && ReferenceEquals(target, exception.Target))
        {
            return exception;
        }

        var inner = secrets.Contains(exception.InnerException) ? null : exception.InnerException;
        return new MailFlowException(exception.ErrorId, exception.Category, secrets.Scrub(exception.Message)!, target, exception.IsInvalidInvocation, inner);
    }

    /// <summary>
    /// A target object safe to hand to a host: null, a number, a bool or an enum as it is; a string masked; anything
    /// else as its masked text (so no object with a secret inside, such as a credential, ever becomes a target).
    /// </summary>
    public static object? SafeTarget(object? target, SecretRedactor? secrets)
    {
        secrets ??= SecretRedactor.None;
        switch (target)
        {
            case null:
                return null;
            case string text:
                return secrets.Contains(text) ? secrets.Scrub(text) : text;
            case Enum:
            case bool:
            case decimal:
                return target;
        }

        if (target.GetType().IsPrimitive)
        {
            var text = Convert.ToString(target, System.Globalization.CultureInfo.InvariantCulture);
            return secrets.Contains(text) ? secrets.Scrub(text) : target;
        }

        return secrets.Scrub(Convert.ToString(target, System.Globalization.CultureInfo.InvariantCulture)) ?? string.Empty;
    }

    /// <summary>"ErrorId: message", masked: the CLI's error line after its "mailflow: " prefix.</summary>
    public static string FormatLine(MailFlowException exception, SecretRedactor? secrets)
    {
        var safe = ForDisplay(exception, secrets);
        return safe.ErrorId + ": " + safe.Message;
    }
}
