using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Core.Smtp.Status;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>
/// Debug-MailFlow's answer for one domain: the probable cause, where it sits, what to do, the evidence chain, and
/// every step's results for piping onward (Edns, MxPath, Stages, Mtu, Status).
/// </summary>
public sealed class MailFlowDiagnosis : IHasFindings
{
    private string? _reportPath;
    private IReadOnlyDictionary<string, double> _stageTimesMs = Readable.Map<string, double>(null);

    public string DomainName { get; init; } = string.Empty;

    /// <summary>The finding code that explains the failure best, or "None" when no path problem was found.</summary>
    public string Cause { get; init; } = FindingCodes.None;

    public FaultLocation Location { get; init; }

    /// <summary>The cause in plain words, with the measurement that shows it.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>One sentence on what to do.</summary>
    public string Recommendation { get; init; } = string.Empty;

    /// <summary>The steps from symptom to cause, one line each ("Stage: subject: [Severity] Code: message").</summary>
    public ReadableList<string> EvidenceChain { get; init; } = Readable.List<string>(null);

    /// <summary>Every step's findings, each tagged with its step and what it was about (a server, a hop).</summary>
    public ReadableList<StagedFinding> Findings { get; init; } = Readable.List<StagedFinding>(null);

    /// <summary>True for -Quick: DNS and the MX walk only.</summary>
    public bool Quick { get; init; }

    /// <summary>The hop mail would go to ("mx1.lab.test [198.51.100.25]:25"), when the MX walk found one.</summary>
    public string? SelectedHop { get; init; }

    /// <summary>The resolvers that were probed as "the resolver in use" (-DnsServer, or the system's).</summary>
    public ReadableList<string> DnsResolvers { get; init; } = Readable.List<string>(null);

    public double ElapsedMs { get; init; }

    /// <summary>Wall time of each step (Status, Dns, MxPath, SmtpStages, PathMtu); steps overlap where they ran in parallel.</summary>
    public IReadOnlyDictionary<string, double> StageTimesMs { get => _stageTimesMs; init => _stageTimesMs = Readable.Map(InStageOrder(value)); }

    /// <summary>Steps that could not run or did not finish, and why.</summary>
    public ReadableList<string> Notes { get; init; } = Readable.List<string>(null);

    /// <summary>The NDR or queue error the diagnosis started from, interpreted.</summary>
    public SmtpStatusResult? Status { get; init; }

    /// <summary>EDNS reachability of the MX answer: the resolvers in use first, then the zone's authoritative servers.</summary>
    public ReadableList<EdnsReachabilityResult> Edns { get; init; } = Readable.List<EdnsReachabilityResult>(null);

    public MxPathResult? MxPath { get; init; }

    /// <summary>The SMTP stage timings: the selected hop's full session (message data, never delivered) and the failing hops' connect and greeting.</summary>
    public ReadableList<SmtpStageResult> Stages { get; init; } = Readable.List<SmtpStageResult>(null);

    public ReadableList<MtuProbeResult> Mtu { get; init; } = Readable.List<MtuProbeResult>(null);

    /// <summary>The HTML report written for this diagnosis (-ReportPath).</summary>
    public string? ReportPath { get => _reportPath; init => _reportPath = value; }

    /// <summary>The findings behind the verdict (the NDR's own findings describe the bounce, not the path, and are left out).</summary>
    IReadOnlyList<Finding> IHasFindings.Findings => Findings.Where(f => f.Stage != DiagnosisStage.Status).Select(f => f.Finding).ToList();

    /// <summary>A copy that names the report written for it.</summary>
    public MailFlowDiagnosis WithReportPath(string path)
    {
        var copy = (MailFlowDiagnosis)MemberwiseClone();
        copy._reportPath = path;
        return copy;
    }

    public override string ToString() => DomainName + ": " + Cause + " (" + Location + "): " + Summary;

    // Stage order, whatever order the entries arrive in (a deserialized dictionary has none).
    private static IEnumerable<KeyValuePair<string, double>> InStageOrder(IEnumerable<KeyValuePair<string, double>>? times) =>
        (times ?? Enumerable.Empty<KeyValuePair<string, double>>())
            .OrderBy(t => Enum.TryParse<DiagnosisStage>(t.Key, out var stage) ? (long)stage : long.MaxValue);
}
