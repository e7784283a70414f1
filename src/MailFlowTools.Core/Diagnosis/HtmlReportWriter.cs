using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// Debug-MailFlow's report for people who would rather look than read: the cause, location, recommendation and
/// evidence chain at the top; then the MX walk, an SMTP stage timeline per hop (where the bytes stopped being
/// acknowledged), a DNS answer-size chart per server, and the path MTU probes and size sweep.
/// One self-contained HTML file: inline CSS and SVG, no scripts, no external assets. Every string that came from
/// the network (banners, replies, names) is HTML-encoded.
/// </summary>
public static class HtmlReportWriter
{
    private const int ChartWidth = 760;
    private const int LabelWidth = 150;
    private const int RowHeight = 22;

    private const string Css = @"
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;background:#f6f7f9;color:#1d2329;font-size:14px}
main{max-width:1100px;margin:0 auto;padding:16px 24px 40px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d5db;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
.verdict{background:#fff;border-left:8px solid #2e7d32;padding:14px 18px;border-radius:4px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.verdict.problem{border-left-color:#c62828}
.cause{font-size:20px;margin:4px 0}.cause b{font-family:ui-monospace,Consolas,monospace}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#e3e7eb;font-size:12px;margin-left:6px}
.badge.bad{background:#fde0e0;color:#8e1b1b}.badge.good{background:#dcefdc;color:#1b5e20}.badge.warn{background:#fff1cc;color:#7a5200}
.summary{font-size:15px}.recommendation{background:#eef4ff;padding:8px 10px;border-radius:4px}
ol.chain{margin:8px 0 0 0;padding-left:22px}ol.chain li{margin:2px 0;font-family:ui-monospace,Consolas,monospace;font-size:12.5px;white-space:pre-wrap}
.meta{color:#5a6570;font-size:12.5px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:12.5px}
th,td{border:1px solid #d9dee3;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.card{background:#fff;border-radius:4px;padding:10px 12px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
svg.chart{display:block;margin:6px 0;font-family:system-ui,Arial,sans-serif;font-size:11px}
.sev-Error{color:#b71c1c;font-weight:600}.sev-Warning{color:#8a5a00;font-weight:600}.sev-Info{color:#445}
.legend span{display:inline-block;margin-right:14px;font-size:12px}.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
footer{color:#6b7680;font-size:12px;margin-top:30px}
";

    /// <summary>
    /// Where the report for <paramref name="domain"/> goes: inside <paramref name="reportPath"/> when it is a
    /// directory (or ends with a separator), else that file; with several domains in one run, the domain is
    /// added to the file name so no report overwrites another.
    /// </summary>
    public static string PathFor(string reportPath, string domain, bool severalDomains)
    {
        var safe = new string(domain.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        if (Directory.Exists(reportPath) || reportPath.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) || reportPath.EndsWith("/", StringComparison.Ordinal))
        {
            return Path.Combine(reportPath, safe + ".html");
        }

        if (!severalDomains)
        {
            return reportPath;
        }

        var directory = Path.GetDirectoryName(reportPath) ?? string.Empty;
        var name = Path.GetFileNameWithoutExtension(reportPath) + "-" + safe + (Path.HasExtension(reportPath) ? Path.GetExtension(reportPath) : ".html");
        return Path.Combine(directory, name);
    }

    /// <summary>Writes the report (creating the directory); throws a non-terminating ReportWriteFailed error.</summary>
    public static void WriteFile(MailFlowDiagnosis diagnosis, string path)
    {
        try
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(path, Render(diagnosis), new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new MailFlowException(ErrorIds.ReportWriteFailed, MailFlowErrorCategory.ResourceUnavailable, $"The report could not be written to '{path}': {ex.Message}", path, innerException: ex);
        }
    }

    public static string Render(MailFlowDiagnosis d)
    {
        if (d is null)
        {
            throw new ArgumentNullException(nameof(d));
        }

        var sb = new StringBuilder(64 * 1024);
        var problem = d.Cause != FindingCodes.None;
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        sb.Append("<title>Debug-MailFlow ").Append(E(d.DomainName)).Append(": ").Append(E(d.Cause)).Append("</title>");
        sb.Append("<style>").Append(Css).Append("</style></head><body><main>\n");

        // The answer first.
        sb.Append("<section id=\"verdict\" class=\"verdict").Append(problem ? " problem" : string.Empty).Append("\">");
        sb.Append("<h1>Mail flow to <span id=\"domain\">").Append(E(d.DomainName)).Append("</span></h1>");
        sb.Append("<p class=\"cause\">Probable cause: <b id=\"cause\">").Append(E(d.Cause)).Append("</b>");
        sb.Append("<span class=\"badge\" id=\"location\">location: ").Append(E(d.Location.ToString())).Append("</span>");
        if (d.Quick)
        {
            sb.Append("<span class=\"badge warn\">quick run</span>");
        }

        sb.Append("</p><p class=\"summary\" id=\"summary\">").Append(E(d.Summary)).Append("</p>");
        if (d.Recommendation.Length > 0)
        {
            sb.Append("<p class=\"recommendation\" id=\"recommendation\"><b>What to do:</b> ").Append(E(d.Recommendation)).Append("</p>");
        }

        sb.Append("<h3>Evidence chain</h3><ol class=\"chain\" id=\"evidence\">");
        foreach (var line in d.EvidenceChain)
        {
            sb.Append("<li>").Append(E(line)).Append("</li>");
        }

        sb.Append("</ol><p class=\"meta\">");
        sb.Append(F("Diagnosed in {0:0.0} s", d.ElapsedMs / 1000));
        if (d.StageTimesMs.Count > 0)
        {
            sb.Append(" (").Append(E(string.Join(", ", d.StageTimesMs.Select(kv => F("{0} {1:0.0} s", kv.Key, kv.Value / 1000))))).Append("; steps overlap)");
        }

        if (d.SelectedHop is not null)
        {
            sb.Append(". Selected hop: ").Append(E(d.SelectedHop));
        }

        if (d.DnsResolvers.Length > 0)
        {
            sb.Append(". Resolver in use: ").Append(E(string.Join(", ", d.DnsResolvers)));
        }

        sb.Append(".</p></section>\n");

        AppendStatus(sb, d);
        AppendMxPath(sb, d.MxPath);
        AppendStages(sb, d.Stages);
        AppendDns(sb, d);
        AppendMtu(sb, d.Mtu);
        AppendFindings(sb, d.Findings);

        sb.Append("<footer>Generated by MailFlowTools Debug-MailFlow on ").Append(E(DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)));
        sb.Append(". The SMTP probes dropped the connection before the final \".\": nothing was delivered.</footer>\n</main></body></html>\n");
        return sb.ToString();
    }

    private static void AppendStatus(StringBuilder sb, MailFlowDiagnosis d)
    {
        if (d.Status is not { } s)
        {
            return;
        }

        sb.Append("<section id=\"status\"><h2>The status this started from</h2><div class=\"card\">");
        sb.Append("<b>").Append(E(string.Join(" ", new[] { s.ReplyCode?.ToString(CultureInfo.InvariantCulture), s.EnhancedStatus }.Where(x => !string.IsNullOrEmpty(x))))).Append("</b> ");
        sb.Append(E(s.Detail ?? s.ReplyMeaning ?? string.Empty));
        if (s.UnderlyingStatus is not null)
        {
            sb.Append(" <span class=\"badge\">underlying: ").Append(E(s.UnderlyingStatus)).Append("</span>");
        }

        sb.Append("<p>").Append(E(s.NetworkInterpretation)).Append("</p></div></section>\n");
    }

    private static void AppendMxPath(StringBuilder sb, MxPathResult? mx)
    {
        sb.Append("<section id=\"mx\"><h2>MX walk</h2>");
        if (mx is null)
        {
            sb.Append("<p>The MX walk did not run.</p></section>\n");
            return;
        }

        sb.Append("<p>").Append(E(mx.Summary)).Append(F(" <span class=\"meta\">(MX source {0}; DNS {1:0} ms via {2})</span>", E(mx.MxSource.ToString()), mx.DnsMs, E(mx.DnsServer ?? "system"))).Append("</p>");
        if (mx.Hops.Length == 0)
        {
            sb.Append("</section>\n");
            return;
        }

        sb.Append("<table><tr><th>#</th><th>Pref</th><th>Exchange</th><th>Address</th><th>Outcome</th><th>Connect ms</th><th>Banner ms</th><th>EHLO ms</th><th>STARTTLS ms</th><th>Banner / detail</th></tr>");
        foreach (var h in mx.Hops)
        {
            var cls = h.Outcome == MxHopOutcome.Ok ? "good" : h.Outcome == MxHopOutcome.NotTried ? string.Empty : "bad";
            sb.Append("<tr><td class=\"num\">").Append(h.Order).Append("</td><td class=\"num\">").Append(h.Preference).Append("</td><td>").Append(E(h.Exchange)).Append("</td><td>").Append(E(h.Address)).Append("</td>");
            sb.Append("<td><span class=\"badge ").Append(cls).Append("\">").Append(E(h.Outcome.ToString())).Append("</span>").Append(h.BannerMasked ? " <span class=\"badge bad\">masked banner</span>" : string.Empty).Append("</td>");
            sb.Append(Num(h.ConnectMs)).Append(Num(h.BannerMs)).Append(Num(h.EhloMs)).Append(Num(h.StartTlsMs));
            sb.Append("<td>").Append(E(h.Banner ?? h.Detail ?? string.Empty)).Append("</td></tr>");
        }

        sb.Append("</table></section>\n");
    }

    private static void AppendStages(StringBuilder sb, SmtpStageResult[] stages)
    {
        sb.Append("<section id=\"smtp\"><h2>SMTP stage timeline</h2>");
        if (stages.Length == 0)
        {
            sb.Append("<p>No SMTP session was timed (quick run, or no MX host to test).</p></section>\n");
            return;
        }

        sb.Append("<p class=\"legend\"><span><i style=\"background:#2e7d32\"></i>stage ok</span><span><i style=\"background:#ef6c00\"></i>temporary failure</span><span><i style=\"background:#c62828\"></i>failed / timed out</span><span><i style=\"background:#9e9e9e\"></i>bytes sent, never acknowledged</span></p>");
        foreach (var session in stages.GroupBy(s => s.SessionId))
        {
            var list = session.OrderBy(s => s.Sequence).ToList();
            var first = list[0];
            sb.Append("<div class=\"card\"><h3>").Append(E(first.ComputerName)).Append(" [").Append(E(first.Address)).Append("]:").Append(first.Port).Append("</h3>");
            AppendTimeline(sb, list);
            var body = list.FirstOrDefault(s => s.Stage == SmtpStage.Body);
            if (body is not null)
            {
                AppendBodyBytes(sb, body);
            }

            sb.Append("</div>");
        }

        sb.Append("</section>\n");
    }

    private static void AppendTimeline(StringBuilder sb, IReadOnlyList<SmtpStageResult> list)
    {
        var total = Math.Max(1, list.Max(s => s.StartMs + s.ElapsedMs));
        var height = (list.Count * RowHeight) + 30;
        var width = LabelWidth + ChartWidth + 130;
        sb.Append(F("<svg class=\"chart timeline\" role=\"img\" aria-label=\"SMTP stage timeline\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" xmlns=\"http://www.w3.org/2000/svg\">", width, height));
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i];
            var y = (i * RowHeight) + 4;
            var x = LabelWidth + (s.StartMs / total * ChartWidth);
            var w = Math.Max(2, s.ElapsedMs / total * ChartWidth);
            sb.Append(F("<text x=\"0\" y=\"{0}\">{1}</text>", y + 14, E(s.Stage.ToString())));
            sb.Append(F("<rect x=\"{0:0.#}\" y=\"{1}\" width=\"{2:0.#}\" height=\"16\" fill=\"{3}\"><title>{4}</title></rect>", x, y, w, OutcomeColour(s.Outcome), E(StageTitle(s))));
            var label = F("{0:0.#} ms {1}", s.ElapsedMs, s.Outcome == SmtpStageOutcome.Ok ? string.Empty : s.Outcome.ToString()) + (s.ReplyCode is { } code ? " " + code.ToString(CultureInfo.InvariantCulture) : string.Empty);
            sb.Append(F("<text x=\"{0:0.#}\" y=\"{1}\">{2}</text>", Math.Min(x + w + 4, LabelWidth + ChartWidth + 4), y + 13, E(label.Trim())));
        }

        var axisY = (list.Count * RowHeight) + 10;
        sb.Append(F("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#888\"/>", LabelWidth, axisY, LabelWidth + ChartWidth));
        sb.Append(F("<text x=\"{0}\" y=\"{1}\">0</text><text x=\"{2}\" y=\"{1}\" text-anchor=\"end\">{3:0} ms</text>", LabelWidth, axisY + 14, LabelWidth + ChartWidth, total));
        sb.Append("</svg>");
    }

    private static void AppendBodyBytes(StringBuilder sb, SmtpStageResult body)
    {
        var sent = Math.Max(1, body.BytesSent);
        var acked = Math.Min(sent, Math.Max(0, body.BytesAcked ?? 0));
        var ackedWidth = (double)acked / sent * ChartWidth;
        var width = LabelWidth + ChartWidth + 130;
        var text = body.BytesAcked is null
            ? F("{0:N0} bytes of message data sent (acknowledgements not visible on this OS)", body.BytesSent)
            : F("{0:N0} of {1:N0} bytes of message data acknowledged{2}", acked, body.BytesSent, body.Retransmits is > 0 ? F("; {0} retransmissions", body.Retransmits) : string.Empty);
        sb.Append(F("<svg class=\"chart bytes\" role=\"img\" aria-label=\"Body bytes acknowledged\" width=\"{0}\" height=\"46\" viewBox=\"0 0 {0} 46\" xmlns=\"http://www.w3.org/2000/svg\">", width));
        sb.Append("<text x=\"0\" y=\"15\">Body bytes</text>");
        sb.Append(F("<rect x=\"{0}\" y=\"3\" width=\"{1}\" height=\"16\" fill=\"#9e9e9e\"><title>{2:N0} bytes sent</title></rect>", LabelWidth, ChartWidth, body.BytesSent));
        sb.Append(F("<rect x=\"{0}\" y=\"3\" width=\"{1:0.#}\" height=\"16\" fill=\"#2e7d32\"><title>{2:N0} bytes acknowledged</title></rect>", LabelWidth, ackedWidth, acked));
        if (body.BytesAcked is not null && acked < body.BytesSent)
        {
            sb.Append(F("<line x1=\"{0:0.#}\" y1=\"0\" x2=\"{0:0.#}\" y2=\"22\" stroke=\"#c62828\" stroke-width=\"2\"/>", LabelWidth + ackedWidth));
        }

        sb.Append(F("<text x=\"{0}\" y=\"38\">{1}</text>", LabelWidth, E(text)));
        sb.Append("</svg>");
    }

    private static void AppendDns(StringBuilder sb, MailFlowDiagnosis d)
    {
        sb.Append("<section id=\"dns\"><h2>DNS answer sizes (MX query with DNSSEC OK)</h2>");
        if (d.Edns.Length == 0)
        {
            sb.Append("<p>No EDNS probe results.</p></section>\n");
            return;
        }

        sb.Append("<p class=\"legend\"><span><i style=\"background:#2e7d32\"></i>arrived complete</span><span><i style=\"background:#f9a825\"></i>arrived truncated (TC)</span><span><i style=\"background:#c62828\"></i>lost / no answer</span><span><i style=\"background:#1565c0\"></i>TCP answer</span></p>");
        foreach (var r in d.Edns)
        {
            sb.Append("<div class=\"card\"><h3>").Append(E(MailFlowDiagnosisEngine.EdnsSubject(r, d.DnsResolvers))).Append("</h3>");
            AppendDnsChart(sb, r);
            var problems = r.Findings.Where(f => f.IsProblem).Select(f => f.Code).ToList();
            sb.Append(F("<p class=\"meta\">Largest UDP answer {0} bytes; full answer {1}; TCP {2}; recommended EDNS buffer {3}.", r.LargestUdpAnswer, r.FullAnswerSize is { } full ? full.ToString(CultureInfo.InvariantCulture) + " bytes" : "unknown", r.TcpWorks switch { true => "works", false => "fails", _ => "not tested" }, r.RecommendedBufferSize));
            if (problems.Count > 0)
            {
                sb.Append(" <span class=\"badge bad\">").Append(E(string.Join(", ", problems))).Append("</span>");
            }

            sb.Append("</p></div>");
        }

        sb.Append("</section>\n");
    }

    private static void AppendDnsChart(StringBuilder sb, EdnsReachabilityResult r)
    {
        var udp = r.Probes.Where(p => p.Transport == DnsTransport.Udp && p.Kind is EdnsProbeKind.Matrix or EdnsProbeKind.Bisection).ToList();
        var tcp = r.Probes.FirstOrDefault(p => p.Transport == DnsTransport.Tcp);
        var max = new[] { 4096, r.FullAnswerSize ?? 0, r.LargestUdpAnswer }.Concat(udp.Select(p => Math.Max(p.BufferSize, p.ResponseSize))).Max();
        double X(double bytes) => LabelWidth + (Math.Min(bytes, max) / max * ChartWidth);
        var width = LabelWidth + ChartWidth + 130;
        sb.Append(F("<svg class=\"chart dns\" role=\"img\" aria-label=\"DNS answer sizes for {2}\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" xmlns=\"http://www.w3.org/2000/svg\">", width, 118, E(r.Server)));

        // Row 1: the answer sizes that arrived over UDP, and the range that was lost.
        sb.Append("<text x=\"0\" y=\"16\">UDP answers</text>");
        if (r.LargestUdpAnswer > 0)
        {
            sb.Append(F("<rect x=\"{0}\" y=\"4\" width=\"{1:0.#}\" height=\"16\" fill=\"#2e7d32\"><title>UDP answers up to {2} bytes arrived</title></rect>", LabelWidth, X(r.LargestUdpAnswer) - LabelWidth, r.LargestUdpAnswer));
        }

        if (r.SmallestLostUdpAnswer is { } lostFrom)
        {
            var lostTo = Math.Max(lostFrom, r.FullAnswerSize ?? udp.Where(p => p.Outcome == EdnsProbeOutcome.Timeout).Select(p => p.EffectiveBufferSize).DefaultIfEmpty(lostFrom).Max());
            sb.Append(F("<rect x=\"{0:0.#}\" y=\"4\" width=\"{1:0.#}\" height=\"16\" fill=\"#c62828\"><title>answers of about {2} bytes and more were lost</title></rect>", X(lostFrom), Math.Max(2, X(lostTo) - X(lostFrom)), lostFrom));
            sb.Append(F("<text x=\"{0:0.#}\" y=\"16\">lost from ~{1} bytes</text>", Math.Min(X(lostTo) + 4, LabelWidth + ChartWidth + 4), lostFrom));
        }
        else
        {
            sb.Append(F("<text x=\"{0:0.#}\" y=\"16\">{1} bytes</text>", X(r.LargestUdpAnswer) + 4, r.LargestUdpAnswer));
        }

        // Row 2: TCP.
        sb.Append("<text x=\"0\" y=\"40\">TCP</text>");
        if (tcp is null)
        {
            sb.Append(F("<text x=\"{0}\" y=\"40\">not tested</text>", LabelWidth));
        }
        else if (r.TcpWorks == true && r.FullAnswerSize is { } full)
        {
            sb.Append(F("<rect x=\"{0}\" y=\"28\" width=\"{1:0.#}\" height=\"16\" fill=\"#1565c0\"><title>TCP answer {2} bytes</title></rect>", LabelWidth, Math.Max(2, X(full) - LabelWidth), full));
            sb.Append(F("<text x=\"{0:0.#}\" y=\"40\">{1} bytes</text>", Math.Min(X(full) + 4, LabelWidth + ChartWidth + 4), full));
        }
        else
        {
            sb.Append(F("<rect x=\"{0}\" y=\"28\" width=\"{1}\" height=\"16\" fill=\"none\" stroke=\"#c62828\" stroke-dasharray=\"4 3\"/>", LabelWidth, ChartWidth));
            sb.Append(F("<text x=\"{0}\" y=\"40\" fill=\"#c62828\">no answer over TCP ({1})</text>", LabelWidth + 6, E(tcp.Outcome.ToString())));
        }

        // Row 3: every UDP probe at its advertised buffer.
        sb.Append("<text x=\"0\" y=\"64\">probes by buffer</text>");
        foreach (var p in udp.OrderBy(p => p.BufferSize))
        {
            var x = X(p.EffectiveBufferSize);
            var title = E(p.ToString());
            switch (p.Outcome)
            {
                case EdnsProbeOutcome.Answer:
                    sb.Append(F("<circle cx=\"{0:0.#}\" cy=\"60\" r=\"5\" fill=\"#2e7d32\"><title>{1}</title></circle>", x, title));
                    break;
                case EdnsProbeOutcome.Truncated:
                    sb.Append(F("<circle cx=\"{0:0.#}\" cy=\"60\" r=\"5\" fill=\"#f9a825\"><title>{1}</title></circle>", x, title));
                    break;
                case EdnsProbeOutcome.Timeout:
                    sb.Append(F("<path d=\"M{0:0.#} 55 l10 10 m0 -10 l-10 10\" transform=\"translate(-5 0)\" stroke=\"#c62828\" stroke-width=\"2.5\"><title>{1}</title></path>", x, title));
                    break;
                default:
                    sb.Append(F("<rect x=\"{0:0.#}\" y=\"55\" width=\"10\" height=\"10\" fill=\"#9e9e9e\" transform=\"translate(-5 0)\"><title>{1}</title></rect>", x, title));
                    break;
            }
        }

        // Axis with the sizes that matter: 512 (no EDNS), 1232 (DNS Flag Day), 1472 (Ethernet), 4096.
        sb.Append(F("<line x1=\"{0}\" y1=\"78\" x2=\"{1}\" y2=\"78\" stroke=\"#888\"/>", LabelWidth, LabelWidth + ChartWidth));
        foreach (var tick in new[] { 0, 512, 1232, 1472, 4096 }.Where(t => t <= max).Concat(new[] { max }).Distinct())
        {
            sb.Append(F("<line x1=\"{0:0.#}\" y1=\"0\" x2=\"{0:0.#}\" y2=\"82\" stroke=\"#ccc\" stroke-dasharray=\"2 3\"/><text x=\"{0:0.#}\" y=\"95\" text-anchor=\"middle\">{1}</text>", X(tick), tick));
        }

        sb.Append(F("<text x=\"{0}\" y=\"112\">bytes (answer size / advertised EDNS buffer)</text>", LabelWidth));
        sb.Append("</svg>");
    }

    private static void AppendMtu(StringBuilder sb, MtuProbeResult[] results)
    {
        sb.Append("<section id=\"pmtu\"><h2>Path MTU and envelope size sweep</h2>");
        if (results.Length == 0)
        {
            sb.Append("<p>No path MTU probe ran (quick run, or no MX host to test).</p></section>\n");
            return;
        }

        foreach (var m in results)
        {
            sb.Append("<div class=\"card\"><h3>").Append(E(m.Address)).Append("</h3><p>");
            sb.Append(F("Path MTU <b>{0}</b>; largest packet that crossed {1}, smallest lost {2}; ICMP \"too big\" seen: <b>{3}</b>{4}. ",
                m.PathMtu?.ToString(CultureInfo.InvariantCulture) ?? "unknown",
                m.LargestPassedSize?.ToString(CultureInfo.InvariantCulture) ?? "-",
                m.SmallestLostSize?.ToString(CultureInfo.InvariantCulture) ?? "-",
                m.IcmpTooBigSeen ? "yes" : "no",
                m.ReportedNextHopMtu is { } hop ? F(" (next-hop MTU {0}{1})", hop, m.ReportedBy is null ? string.Empty : " from " + E(m.ReportedBy)) : string.Empty));
            sb.Append(m.BlackHole ? "<span class=\"badge bad\">black hole</span>" : "<span class=\"badge good\">no black hole</span>");
            if (m.FailingPayloadSizes.Length > 0)
            {
                sb.Append(" <span class=\"badge bad\">failing payload sizes: ").Append(E(string.Join(", ", m.FailingPayloadSizes))).Append("</span>");
            }

            sb.Append(F(" <span class=\"meta\">methods {0}; {1} probes in {2:0.0} s</span></p>", E(string.Join(", ", m.MethodsUsed)), m.ProbesSent, m.ElapsedMs / 1000));
            if (m.Probes.Length > 0)
            {
                AppendMtuProbes(sb, m);
            }

            if (m.Sweep.Length > 0)
            {
                AppendSweep(sb, m);
            }

            sb.Append("</div>");
        }

        sb.Append("</section>\n");
    }

    private static void AppendMtuProbes(StringBuilder sb, MtuProbeResult m)
    {
        var sizes = m.Probes.Select(p => p.Size).ToList();
        var lo = sizes.Min();
        var hi = Math.Max(lo + 1, sizes.Max());
        double X(int size) => LabelWidth + ((double)(size - lo) / (hi - lo) * ChartWidth);
        var width = LabelWidth + ChartWidth + 130;
        sb.Append(F("<svg class=\"chart mtu\" role=\"img\" aria-label=\"Path MTU probes\" width=\"{0}\" height=\"92\" viewBox=\"0 0 {0} 92\" xmlns=\"http://www.w3.org/2000/svg\">", width));
        sb.Append("<text x=\"0\" y=\"14\">passed</text><text x=\"0\" y=\"34\">too big (ICMP)</text><text x=\"0\" y=\"54\">lost</text>");
        foreach (var p in m.Probes)
        {
            var (y, colour) = p.Outcome switch
            {
                MtuProbeOutcome.Passed => (10, "#2e7d32"),
                MtuProbeOutcome.TooBig or MtuProbeOutcome.LocalTooBig => (30, "#f9a825"),
                _ => (50, "#c62828"),
            };
            sb.Append(F("<rect x=\"{0:0.#}\" y=\"{1}\" width=\"3\" height=\"8\" fill=\"{2}\"><title>{3} {4} bytes: {5}</title></rect>", X(p.Size) - 1, y - 4, colour, E(p.Method.ToString()), p.Size, E(p.Outcome.ToString())));
        }

        if (m.PathMtu is { } mtu)
        {
            sb.Append(F("<line x1=\"{0:0.#}\" y1=\"2\" x2=\"{0:0.#}\" y2=\"62\" stroke=\"#1565c0\" stroke-width=\"2\"/><text x=\"{1:0.#}\" y=\"62\" fill=\"#1565c0\">path MTU {2}</text>", X(mtu), Math.Min(X(mtu) + 4, LabelWidth + ChartWidth + 4), mtu));
        }

        sb.Append(F("<line x1=\"{0}\" y1=\"68\" x2=\"{1}\" y2=\"68\" stroke=\"#888\"/><text x=\"{0}\" y=\"82\">{2}</text><text x=\"{1}\" y=\"82\" text-anchor=\"end\">{3} bytes (IP packet)</text>", LabelWidth, LabelWidth + ChartWidth, lo, hi));
        sb.Append("</svg>");
    }

    private static void AppendSweep(StringBuilder sb, MtuProbeResult m)
    {
        var entries = m.Sweep.OrderBy(e => e.PayloadSize).ToList();
        var width = LabelWidth + ChartWidth + 130;
        var cell = Math.Max(8, Math.Min(22, ChartWidth / Math.Max(1, entries.Count)));
        sb.Append(F("<svg class=\"chart sweep\" role=\"img\" aria-label=\"Envelope size sweep\" width=\"{0}\" height=\"70\" viewBox=\"0 0 {0} 70\" xmlns=\"http://www.w3.org/2000/svg\">", width));
        sb.Append("<text x=\"0\" y=\"16\">envelope sweep</text>");
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var colour = e.Failed ? "#c62828" : e.Intermittent ? "#f9a825" : e.Attempts == 0 ? "#9e9e9e" : "#2e7d32";
            var x = LabelWidth + (i * cell);
            sb.Append(F("<rect x=\"{0}\" y=\"4\" width=\"{1}\" height=\"16\" fill=\"{2}\" stroke=\"#fff\"><title>{3} bytes: {4}</title></rect>", x, cell, colour, e.PayloadSize, E(e.Detail ?? (e.Failed ? "failed" : "passed"))));
            if (e.Failed)
            {
                sb.Append(F("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" fill=\"#c62828\">{2}</text>", x + (cell / 2), 34 + (i % 2 * 12), e.PayloadSize));
            }
        }

        sb.Append(F("<text x=\"{0}\" y=\"64\">{1} to {2} bytes of TCP payload, one write each after EHLO (red: lost on every attempt)</text>", LabelWidth, entries[0].PayloadSize, entries[entries.Count - 1].PayloadSize));
        sb.Append("</svg>");
    }

    private static void AppendFindings(StringBuilder sb, StagedFinding[] findings)
    {
        sb.Append("<section id=\"findings\"><h2>All findings</h2>");
        if (findings.Length == 0)
        {
            sb.Append("<p>No findings.</p></section>\n");
            return;
        }

        sb.Append("<table><tr><th>Step</th><th>Subject</th><th>Severity</th><th>Code</th><th>Message</th><th>Recommendation</th></tr>");
        foreach (var f in findings.OrderByDescending(f => f.Finding.Severity))
        {
            sb.Append("<tr><td>").Append(E(f.Stage.ToString())).Append("</td><td>").Append(E(f.Subject)).Append("</td>");
            sb.Append("<td class=\"sev-").Append(f.Finding.Severity).Append("\">").Append(E(f.Finding.Severity.ToString())).Append("</td>");
            sb.Append("<td>").Append(E(f.Finding.Code)).Append("</td><td>").Append(E(f.Finding.Message)).Append("</td><td>").Append(E(f.Finding.Recommendation)).Append("</td></tr>");
        }

        sb.Append("</table></section>\n");
    }

    private static string StageTitle(SmtpStageResult s)
    {
        var parts = new List<string> { F("{0}: {1}, {2:0.#} ms from {3:0.#} ms", s.Stage, s.Outcome, s.ElapsedMs, s.StartMs) };
        if (s.ReplyCode is not null || s.ReplyText is not null)
        {
            parts.Add(string.Join(" ", new[] { s.ReplyCode?.ToString(CultureInfo.InvariantCulture), s.EnhancedStatus, s.ReplyText }.Where(x => !string.IsNullOrEmpty(x))));
        }

        if (s.BytesSent > 0)
        {
            parts.Add(F("{0} bytes sent, {1} acknowledged", s.BytesSent, s.BytesAcked?.ToString(CultureInfo.InvariantCulture) ?? "?"));
        }

        return string.Join("; ", parts);
    }

    private static string OutcomeColour(SmtpStageOutcome outcome) => outcome switch
    {
        SmtpStageOutcome.Ok => "#2e7d32",
        SmtpStageOutcome.TempFailed => "#ef6c00",
        _ => "#c62828",
    };

    private static string Num(double? value) => "<td class=\"num\">" + (value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : string.Empty) + "</td>";

    /// <summary>HTML-encodes text from anywhere (including the network); also safe inside SVG text and attributes.</summary>
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
