namespace MailFlowTools.Core.Smtp;

/// <summary>
/// One SASL exchange for the AUTH stage (RFC 4954): the session sends what this returns and hands it each 334
/// challenge, on its own connection, with its own timeouts and read limits. Implemented over MailKit's mechanisms.
/// </summary>
public interface ISmtpSaslMechanism
{
    /// <summary>The name after AUTH ("SCRAM-SHA-256", "NTLM", "XOAUTH2").</summary>
    string Name { get; }

    /// <summary>True when the first response goes on the AUTH line itself.</summary>
    bool SupportsInitialResponse { get; }

    /// <summary>True once the server's last challenge proved the server (SCRAM) or the mechanism is done.</summary>
    bool IsAuthenticated { get; }

    /// <summary>The base64 response to a base64 challenge (null for the initial response). Throws on a malformed challenge.</summary>
    string Respond(string? challenge);
}
