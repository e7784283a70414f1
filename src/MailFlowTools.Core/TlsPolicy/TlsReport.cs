using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Writes an RFC 8460 §4 report (JSON) for the tested domains, from this machine's vantage point: one policy
/// entry per domain (sts, tlsa or no-policy-found), each tried hop counted as one session, failures with their
/// result type, so it can be laid beside the reports real senders mail to the domain's TLS-RPT address.
/// </summary>
public static class TlsReport
{
    /// <summary>Checks -TlsReportPath at the edge: a file in an existing directory. Returns the full path or null.</summary>
    public static string? ValidatePath(string? path, string parameter)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-{parameter} '{path}' is not a valid path: {ex.Message}", path);
        }

        var dir = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir) || Directory.Exists(full))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-{parameter} '{path}' must name a file in an existing directory.", path);
        }

        return full;
    }

    public static void Write(string path, IReadOnlyList<MxPathResult> results, DateTimeOffset start, DateTimeOffset end)
    {
        try
        {
            File.WriteAllText(path, Build(results, start, end), new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MailFlowException(ErrorIds.ReportWriteFailed, MailFlowErrorCategory.PermissionDenied, $"The TLS report could not be written to '{path}': {ex.Message}", path);
        }
    }

    public static string Build(IReadOnlyList<MxPathResult> results, DateTimeOffset start, DateTimeOffset end)
    {
        var j = new StringBuilder();
        j.Append("{\n");
        Field(j, 1, "organization-name", "MailFlowTools (Test-MxPath vantage point " + Environment.MachineName + ")", true);
        j.Append("  \"date-range\": {\n");
        Field(j, 2, "start-datetime", start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), true);
        Field(j, 2, "end-datetime", end.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), false);
        j.Append("  },\n");
        Field(j, 1, "contact-info", "not sent: generated locally by Test-MxPath -TlsReportPath", true);
        Field(j, 1, "report-id", start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-mailflowtools", true);
        j.Append("  \"policies\": [");
        var first = true;
        foreach (var r in results.Where(r => r.TlsPolicy is not null).OrderBy(r => r.DomainName, StringComparer.Ordinal))
        {
            j.Append(first ? "\n" : ",\n");
            first = false;
            Policy(j, r);
        }

        j.Append(first ? "]\n" : "\n  ]\n");
        j.Append("}\n");
        return j.ToString();
    }

    private static void Policy(StringBuilder j, MxPathResult r)
    {
        var t = r.TlsPolicy!;
        var dane = t.Dane.Where(d => d.Status is DaneStatus.Secure or DaneStatus.Bogus or DaneStatus.LookupFailed).ToList();
        string type;
        IEnumerable<string> strings;
        IEnumerable<string> mxHosts;
        if (t.MtaSts.Status == MtaStsStatus.Valid || t.MtaSts.ResultType is not null)
        {
            type = "sts";
            strings = t.MtaSts.Status == MtaStsStatus.Valid
                ? new[] { "version: STSv1", "mode: " + t.MtaSts.Mode.ToString().ToLowerInvariant() }.Concat(t.MtaSts.Mx.Select(m => "mx: " + m)).Concat(new[] { "max_age: " + t.MtaSts.MaxAgeSeconds?.ToString(CultureInfo.InvariantCulture) })
                : System.Array.Empty<string>();
            mxHosts = t.MtaSts.Mx;
        }
        else if (dane.Count > 0)
        {
            type = "tlsa";
            strings = dane.SelectMany(d => d.Records);
            mxHosts = dane.Select(d => d.Exchange);
        }
        else
        {
            type = "no-policy-found";
            strings = Array.Empty<string>();
            mxHosts = Array.Empty<string>();
        }

        var sessions = r.Hops.Where(h => h.Tls is not null && h.Outcome != MxHopOutcome.NotTried).ToList();
        var failures = sessions.Where(h => h.Tls!.ResultType != TlsResultType.Success).ToList();
        j.Append("    {\n      \"policy\": {\n");
        Field(j, 4, "policy-type", type, true);
        j.Append("        \"policy-string\": ").Append(JsonArray(strings)).Append(",\n");
        Field(j, 4, "policy-domain", r.DomainName, true);
        j.Append("        \"mx-host\": ").Append(JsonArray(mxHosts)).Append('\n');
        j.Append("      },\n      \"summary\": {\n");
        j.Append("        \"total-successful-session-count\": ").Append((sessions.Count - failures.Count).ToString(CultureInfo.InvariantCulture)).Append(",\n");
        j.Append("        \"total-failure-session-count\": ").Append((failures.Count + (t.MtaSts.ResultType is null ? 0 : 1)).ToString(CultureInfo.InvariantCulture)).Append('\n');
        j.Append("      },\n      \"failure-details\": [");
        var firstFailure = true;
        if (t.MtaSts.ResultType is { } stsFailure)
        {
            j.Append("\n        {\n");
            Field(j, 5, "result-type", TlsResultTypes.ToRfc(stsFailure), true);
            Field(j, 5, "failed-session-count", 1, true);
            Field(j, 5, "additional-information", t.MtaSts.PolicyUrl ?? "_mta-sts." + r.DomainName, true);
            Field(j, 5, "failure-reason-code", t.MtaSts.Problem ?? t.MtaSts.Status.ToString(), false);
            j.Append("        }");
            firstFailure = false;
        }

        foreach (var h in failures)
        {
            j.Append(firstFailure ? "\n" : ",\n");
            firstFailure = false;
            j.Append("        {\n");
            Field(j, 5, "result-type", h.Tls!.ResultTypeName, true);
            Field(j, 5, "receiving-mx-hostname", h.Exchange, true);
            Field(j, 5, "receiving-ip", h.Address, true);
            Field(j, 5, "failed-session-count", 1, true);
            Field(j, 5, "failure-reason-code", h.Tls.SenderStatus ?? h.Detail ?? h.Tls.ResultTypeName, false);
            j.Append("        }");
        }

        j.Append(firstFailure ? "]\n" : "\n      ]\n");
        j.Append("    }");
    }

    private static void Field(StringBuilder j, int depth, string name, object value, bool comma)
    {
        j.Append(' ', depth * 2).Append(Quote(name)).Append(": ");
        j.Append(value is string s ? Quote(s) : Convert.ToString(value, CultureInfo.InvariantCulture));
        j.Append(comma ? ",\n" : "\n");
    }

    private static string JsonArray(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

    private static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': b.Append("\\\""); break;
                case '\\': b.Append("\\\\"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                case '\t': b.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        b.Append(c);
                    }

                    break;
            }
        }

        return b.Append('"').ToString();
    }
}
