using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.Smtp;

/// <summary>The SASL mechanisms the AUTH stage speaks, in the order it prefers them when the server offers several.</summary>
public static class SmtpAuthMechanisms
{
    public static readonly IReadOnlyList<string> Supported = new[] { "PLAIN", "LOGIN" };

    /// <summary>The first supported mechanism the server offers, or null.</summary>
    public static string? Choose(IReadOnlyList<string> offered) =>
        Supported.FirstOrDefault(m => offered.Contains(m, StringComparer.OrdinalIgnoreCase));
}
