using System;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Smtp.Status;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// What Debug-MailFlow was asked about: a domain, a queue item (NextHopDomain and LastError, as Get-Queue gives
/// them) and/or an NDR. <see cref="ToSeed"/> turns it into the domain to test and the status to explain.
/// </summary>
public sealed class DiagnosisInput
{
    public string? DomainName { get; init; }

    /// <summary>Get-Queue's NextHopDomain (or any object's DomainName).</summary>
    public string? NextHopDomain { get; init; }

    /// <summary>Get-Queue's LastError: the reply the sending server last got.</summary>
    public string? LastError { get; init; }

    /// <summary>An NDR/DSN text or an MTA log line (the domain from to=&lt;…&gt;, the host from relay=): it seeds the diagnosis.</summary>
    public string? NdrText { get; init; }

    /// <summary>
    /// The domain (DomainName, else NextHopDomain, else the NDR's recipient domain) and the interpreted status (the
    /// NDR, else LastError). Throws a non-terminating MailFlowException when no usable domain is given.
    /// </summary>
    public DiagnosisSeed ToSeed()
    {
        SmtpStatusResult? status = null;
        string? source = null;
        string? statusProblem = null;
        foreach (var (text, label) in new[] { (NdrText, "NDR"), (LastError, "queue LastError") })
        {
            if (status is not null || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                status = SmtpStatusResolver.Resolve(text!);
                source = status.LogEntry is { Mta: Logs.MtaKind.Postfix or Logs.MtaKind.Exim or Logs.MtaKind.Sendmail } entry
                    ? "log line" + ((entry.RelayHost ?? entry.RelayAddress) is null ? string.Empty : " (relay " + entry.RelayHost + (entry.RelayAddress is null ? string.Empty : "[" + entry.RelayAddress + "]") + ")")
                    : label;
            }
            catch (MailFlowException ex)
            {
                statusProblem = "The " + label + " could not be read: " + ex.Message;
            }
        }

        var candidate = FirstNonEmpty(DomainName, NextHopDomain, status?.RecipientDomain);
        if (candidate is null && DomainName is not null && statusProblem is null)
        {
            // A domain given as "" is that item's error, said as such.
            candidate = DomainName;
        }

        if (candidate is null)
        {
            // An NDR that could not be read is a status problem; no domain at all is a naming problem.
            throw new MailFlowException(
                statusProblem is null ? ErrorIds.InvalidDomainName : ErrorIds.NoStatusInInput,
                statusProblem is null ? MailFlowErrorCategory.InvalidArgument : MailFlowErrorCategory.InvalidData,
                statusProblem ?? "No domain to test: give -DomainName, a queue item with NextHopDomain, or an NDR that names the recipient.",
                Preview(NdrText ?? LastError ?? string.Empty));
        }

        if (!MxPathInput.TryNormalize(candidate, out var domain, out var error))
        {
            throw error!;
        }

        return new DiagnosisSeed(domain, status, source, statusProblem);
    }

    /// <summary>A domain, or a log line / LastError / NDR given where a domain was expected (it has spaces).</summary>
    public static DiagnosisInput FromText(string text) =>
        text.Trim().IndexOfAny(new[] { ' ', '\t', '\n' }) > 0 ? new DiagnosisInput { NdrText = text } : new DiagnosisInput { DomainName = text };

    private static string? FirstNonEmpty(params string?[] values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value!.Trim();
            }
        }

        return null;
    }

    private static string Preview(string text) => text.Length <= 120 ? text : text.Substring(0, 120) + "…";
}
