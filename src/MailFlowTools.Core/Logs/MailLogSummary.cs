using System;
using System.Collections.Generic;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Logs;

/// <summary>A whole log or queue listing, summarised: counts, and deferrals and bounces grouped by destination and path signature.</summary>
public sealed class MailLogSummary : IHasFindings
{
    private IReadOnlyList<Finding> _findings = Readable.List<Finding>(null);

    /// <summary>The file read, or "standard input" / "pipeline".</summary>
    public string Source { get; init; } = string.Empty;

    public long LinesRead { get; init; }

    /// <summary>Lines about a recipient's delivery (sent, deferred, bounced, expired, host failures, queued).</summary>
    public long DeliveryLines { get; init; }

    /// <summary>Lines that are not delivery lines (connects, cleanup, headers, text), skipped.</summary>
    public long SkippedLines { get; init; }

    /// <summary>Delivery lines outside -Since/-Until, skipped.</summary>
    public long OutsideWindow { get; init; }

    /// <summary>Lines longer than the line cap; only their start was read.</summary>
    public long TruncatedLines { get; init; }

    public long Sent { get; init; }

    public long Deferred { get; init; }

    public long Bounced { get; init; }

    public long Expired { get; init; }

    public long HostFailures { get; init; }

    public long Queued { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>The earliest and latest delivery line counted.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>Groups, largest first.</summary>
    public ReadableList<MailLogGroup> Groups { get; init; } = Readable.List<MailLogGroup>(null);

    /// <summary>Lines that fell into groups beyond the group cap: counted here, not grouped.</summary>
    public long UngroupedLines { get; init; }

    public IReadOnlyList<Finding> Findings { get => _findings; init => _findings = Readable.List(value); }

    public override string ToString() => string.Format(
        System.Globalization.CultureInfo.InvariantCulture,
        "{0}: {1} lines, {2} sent, {3} deferred, {4} bounced, {5} groups",
        Source,
        LinesRead,
        Sent,
        Deferred,
        Bounced,
        Groups.Count);
}
