using System;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// A user name and password for AUTH PLAIN/LOGIN. The password never leaves this object except on the wire:
/// <see cref="ToString"/> is redacted, and <see cref="Redactor"/> masks every form the password takes there
/// (clear, base64 for AUTH LOGIN, the AUTH PLAIN token) in transcripts, replies, messages and results.
/// </summary>
public sealed class SmtpCredential
{
    public SmtpCredential(string userName, string password)
    {
        UserName = userName ?? throw new ArgumentNullException(nameof(userName));
        Password = password ?? throw new ArgumentNullException(nameof(password));
        Redactor = SecretRedactor.ForPassword(password, PlainToken, OAuthToken);
    }

    public string UserName { get; }

    internal string Password { get; }

    /// <summary>Masks this credential's secret forms.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The RFC 4616 AUTH PLAIN initial response: base64 of NUL user NUL password.</summary>
    internal string PlainToken => SecretRedactor.Base64("\0" + UserName + "\0" + Password);

    /// <summary>XOAUTH2's initial response when the password is a bearer token: masked like the others.</summary>
    internal string OAuthToken => SecretRedactor.Base64("user=" + UserName + "\u0001auth=Bearer " + Password + "\u0001\u0001");

    internal string LoginUserToken => SecretRedactor.Base64(UserName);

    internal string LoginPasswordToken => SecretRedactor.Base64(Password);

    public override string ToString() => UserName + " (password redacted)";
}
