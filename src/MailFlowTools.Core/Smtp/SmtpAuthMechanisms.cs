using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// The SASL mechanisms the AUTH stage speaks, in the order it prefers them when the server offers several: the
/// challenge-response ones first (the password never crosses the wire), PLAIN and LOGIN (ours), XOAUTH2 last (the
/// password is then taken as the bearer token). All but PLAIN and LOGIN need a <see cref="SmtpSaslFactory"/>.
/// </summary>
public static class SmtpAuthMechanisms
{
    public static readonly IReadOnlyList<string> BuiltIn = new[] { "PLAIN", "LOGIN" };

    public static readonly IReadOnlyList<string> Preference = new[] { "SCRAM-SHA-256", "NTLM", "PLAIN", "LOGIN", "XOAUTH2" };

    /// <summary>The mechanisms this session can speak: PLAIN and LOGIN, and with a factory every other preferred one.</summary>
    public static IReadOnlyList<string> Supported(bool withFactory) => withFactory ? Preference : BuiltIn;

    /// <summary>The first supported mechanism the server offers, or null.</summary>
    public static string? Choose(IReadOnlyList<string> offered, bool withFactory) =>
        Supported(withFactory).FirstOrDefault(m => offered.Contains(m, StringComparer.OrdinalIgnoreCase));
}
