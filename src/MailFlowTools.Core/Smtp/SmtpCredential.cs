using System;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// A user name and password for AUTH PLAIN/LOGIN. The password never leaves this object except on the wire:
/// <see cref="ToString"/> is redacted and transcripts show "****".
/// </summary>
public sealed class SmtpCredential
{
    public SmtpCredential(string userName, string password)
    {
        UserName = userName ?? throw new ArgumentNullException(nameof(userName));
        Password = password ?? throw new ArgumentNullException(nameof(password));
    }

    public string UserName { get; }

    internal string Password { get; }

    public override string ToString() => UserName + " (password redacted)";
}
