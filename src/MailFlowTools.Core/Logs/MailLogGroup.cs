using System;
using System.Collections.Generic;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Logs;

/// <summary>Deferrals and bounces to one destination with one path signature: pflogsumm's deferral line, diagnosed.</summary>
public sealed class MailLogGroup
{
    /// <summary>The recipient domain; the host name when the MTA logged a host failure without a recipient.</summary>
    public string Destination { get; init; } = string.Empty;

    public PathSignature PathSignature { get; init; }

    /// <summary>The finding code of the signature; empty for remote refusals and unrecognised reasons.</summary>
    public string Code { get; init; } = string.Empty;

    /// <summary>The seed incidents the signature matches.</summary>
    public ReadableList<int> Incidents { get; init; } = Readable.List<int>(null);

    /// <summary>All lines in the group.</summary>
    public long Count { get; init; }

    public long Deferred { get; init; }

    public long Bounced { get; init; }

    /// <summary>Lines where one MX host failed and the MTA went on to the next.</summary>
    public long HostFailures { get; init; }

    /// <summary>Recipients waiting in a queue listing.</summary>
    public long Queued { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>Distinct recipients, up to <see cref="MailLogSummarizer.MaxAddressesPerGroup"/>.</summary>
    public ReadableList<string> Recipients { get; init; } = Readable.List<string>(null);

    /// <summary>How many distinct recipients there were, counted up to 1,000 per group (100,000 in all).</summary>
    public long RecipientCount { get; init; }

    /// <summary>Hosts and addresses the MTA talked to, as "host[address]", up to 8.</summary>
    public ReadableList<string> Relays { get; init; } = Readable.List<string>(null);

    /// <summary>The recognised phrase, or the first reason when none was recognised.</summary>
    public string? Phrase { get; init; }

    /// <summary>The first reason seen, as the MTA wrote it.</summary>
    public string? SampleReason { get; init; }

    /// <summary>What the signature means on the path.</summary>
    public string Meaning { get; init; } = string.Empty;

    public ReadableList<SuggestedCommand> NextCommands { get; init; } = Readable.List<SuggestedCommand>(null);

    public override string ToString() => Destination + " " + PathSignature + " x" + Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
