using System;
using System.Net;
using MailFlowTools.Core.Smtp;
using MailKit.Security;

namespace MailFlowTools.Mime;

/// <summary>
/// MailKit's SASL mechanisms for Get-SmtpStageTiming's AUTH stage: SCRAM-SHA-256, NTLM (Exchange's client front
/// end) and XOAUTH2 (the password is the bearer token), beside our own PLAIN and LOGIN. Only the mechanisms: the
/// session keeps its own connection, so the timing, the read limits and the rule that the final "." is never sent
/// stay ours (MailKit's SmtpClient reads replies without a cap and always ends DATA).
/// </summary>
public static class MailKitSasl
{
    /// <summary>The <see cref="SmtpSaslFactory"/> the cmdlet and the CLI verb hand the session.</summary>
    public static readonly SmtpSaslFactory Factory = Create;

    public static ISmtpSaslMechanism? Create(string mechanism, string userName, string password, string host)
    {
        var credential = new NetworkCredential(userName, password);
        SaslMechanism? sasl = mechanism.ToUpperInvariant() switch
        {
            "SCRAM-SHA-256" => new SaslMechanismScramSha256(credential),
            "NTLM" => new SaslMechanismNtlm(credential),
            "XOAUTH2" => new SaslMechanismOAuth2(userName, password),
            _ => null,
        };
        return sasl is null ? null : new Adapter(sasl);
    }

    private sealed class Adapter : ISmtpSaslMechanism
    {
        private readonly SaslMechanism _sasl;

        public Adapter(SaslMechanism sasl) => _sasl = sasl;

        public string Name => _sasl.MechanismName;

        public bool SupportsInitialResponse => _sasl.SupportsInitialResponse;

        public bool IsAuthenticated => _sasl.IsAuthenticated;

        public string Respond(string? challenge) => _sasl.Challenge(challenge ?? string.Empty) ?? string.Empty;
    }
}
