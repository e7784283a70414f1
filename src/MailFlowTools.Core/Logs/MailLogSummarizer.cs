using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Folds delivery entries into groups by destination and path signature. Every structure is capped, so a log of
/// any length is summarised in bounded memory: at most <see cref="MaxGroups"/> groups (later ones are counted as
/// ungrouped), a few addresses and relays per group, and a bounded table of host failures waiting for the
/// recipient line of the same queue ID.
/// </summary>
public sealed class MailLogSummarizer
{
    public const int MaxGroups = 5000;
    public const int MaxAddressesPerGroup = 10;
    public const int MaxDistinctCounted = 1000;

    /// <summary>Distinct recipients remembered across all groups (as hashes); beyond it, counts are lower bounds.</summary>
    public const int MaxDistinctTotal = 100000;
    public const int MaxRelaysPerGroup = 8;
    public const int MaxPendingQueueIds = 10000;

    private readonly Dictionary<(string, PathSignature), Accumulator> _groups = new();
    private readonly Dictionary<string, List<MtaLogEntry>> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _pendingOrder = new();
    private int _distinctTotal;
    private long _sent, _deferred, _bounced, _expired, _hostFailures, _queued, _ungrouped, _delivery;
    private DateTimeOffset? _first, _last;

    public void Add(MtaLogEntry entry)
    {
        _delivery++;
        if (entry.Timestamp is { } t)
        {
            Seen(t);
        }

        switch (entry.Disposition)
        {
            case DeliveryDisposition.Sent:
                _sent++;
                Release(entry.QueueId, entry.RecipientDomain);
                return;
            case DeliveryDisposition.Deferred: _deferred++; break;
            case DeliveryDisposition.Bounced: _bounced++; break;
            case DeliveryDisposition.Expired: _expired++; break;
            case DeliveryDisposition.Queued: _queued++; break;
            case DeliveryDisposition.HostFailed:
                _hostFailures++;
                if (entry.RecipientDomain is null && entry.QueueId is { } id)
                {
                    Hold(id, entry);
                    return;
                }

                break;
        }

        Release(entry.QueueId, entry.RecipientDomain);
        Group(entry, entry.RecipientDomain);
    }

    /// <summary>
    /// A successful delivery, as <see cref="Add"/> counts one that carries only its time and queue ID: the ID is
    /// copied only when host failures wait for it.
    /// </summary>
    public void AddSent(DateTimeOffset timestamp, ReadOnlySpan<char> queueId)
    {
        _delivery++;
        Seen(timestamp);
        _sent++;
        if (queueId.Length > 0 && _pending.Count > 0)
        {
            Release(queueId.ToString(), null);
        }
    }

    public MailLogSummary Complete(string source, long linesRead, long skipped, long outsideWindow, long truncated, DateTimeOffset? since, DateTimeOffset? until)
    {
        foreach (var id in _pendingOrder.ToArray())
        {
            Release(id, null);
        }

        _pendingOrder.Clear();

        var groups = _groups.Values
            .Select(a => a.ToGroup())
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Destination, StringComparer.Ordinal)
            .ToList();
        var findings = new List<Finding>();
        foreach (var g in groups.Where(g => g.Code.Length > 0))
        {
            var evidence = new Dictionary<string, object>
            {
                ["Destination"] = g.Destination,
                ["Count"] = g.Count,
            };
            if (g.Relays.Count > 0)
            {
                evidence["Relays"] = g.Relays.ToString();
            }

            var next = g.NextCommands.Count > 0 ? "Run " + g.NextCommands[0].CommandLine + "." : "Run Test-MxPath on the destination.";
            findings.Add(Finding.Warning(g.Code, g.Meaning, next, evidence));
        }

        return new MailLogSummary
        {
            Source = source,
            LinesRead = linesRead,
            DeliveryLines = _delivery,
            SkippedLines = skipped,
            OutsideWindow = outsideWindow,
            TruncatedLines = truncated,
            Sent = _sent,
            Deferred = _deferred,
            Bounced = _bounced,
            Expired = _expired,
            HostFailures = _hostFailures,
            Queued = _queued,
            Since = since,
            Until = until,
            FirstSeen = _first,
            LastSeen = _last,
            Groups = groups,
            UngroupedLines = _ungrouped,
            Findings = findings,
        };
    }

    private void Seen(DateTimeOffset t)
    {
        _first = _first is null || t < _first ? t : _first;
        _last = _last is null || t > _last ? t : _last;
    }

    private void Hold(string queueId, MtaLogEntry entry)
    {
        if (!_pending.TryGetValue(queueId, out var list))
        {
            if (_pending.Count >= MaxPendingQueueIds)
            {
                // The oldest message still waiting for its recipient line is grouped under its host.
                while (_pendingOrder.Count > 0 && !_pending.ContainsKey(_pendingOrder.Peek()))
                {
                    _pendingOrder.Dequeue();
                }

                if (_pendingOrder.Count > 0)
                {
                    Release(_pendingOrder.Dequeue(), null);
                }
            }

            if (_pendingOrder.Count >= 2 * MaxPendingQueueIds)
            {
                // Released IDs stay in the order queue until they reach its head; drop them now and then.
                var live = _pendingOrder.Where(_pending.ContainsKey).ToList();
                _pendingOrder.Clear();
                foreach (var q in live)
                {
                    _pendingOrder.Enqueue(q);
                }
            }

            list = new List<MtaLogEntry>(1);
            _pending[queueId] = list;
            _pendingOrder.Enqueue(queueId);
        }

        if (list.Count < 16)
        {
            list.Add(entry);
        }
    }

    /// <summary>Host failures logged before the recipient line of the same message: grouped under its domain.</summary>
    private void Release(string? queueId, string? domain)
    {
        if (queueId is null || _pending.Count == 0 || !_pending.TryGetValue(queueId, out var list))
        {
            return;
        }

        _pending.Remove(queueId);

        foreach (var held in list)
        {
            Group(held, domain);
        }
    }

    private void Group(MtaLogEntry entry, string? domain)
    {
        var phrase = LogPhraseTable.Match(entry.Reason, entry.RemoteReply);
        var signature = LogDiagnosis.SignatureOf(entry, phrase);
        var destination = domain ?? entry.RelayHost ?? entry.RelayAddress ?? "(unknown)";
        var key = (destination, signature);
        if (!_groups.TryGetValue(key, out var acc))
        {
            if (_groups.Count >= MaxGroups)
            {
                _ungrouped++;
                return;
            }

            acc = new Accumulator(destination, signature, domain, this);
            _groups[key] = acc;
        }

        acc.Add(entry, phrase);
    }

    private sealed class Accumulator
    {
        private readonly string _destination;
        private readonly PathSignature _signature;
        private readonly string? _domain;
        private readonly List<string> _recipients = new();
        private readonly HashSet<int> _distinct = new();
        private readonly MailLogSummarizer _owner;
        private readonly List<string> _relays = new();
        private long _count, _deferred, _bounced, _hostFailures, _queued;
        private DateTimeOffset? _first, _last;
        private string? _phrase, _sample, _target;

        public Accumulator(string destination, PathSignature signature, string? domain, MailLogSummarizer owner)
        {
            _owner = owner;
            _destination = destination;
            _signature = signature;
            _domain = domain;
        }

        public void Add(MtaLogEntry entry, LogPhrase? phrase)
        {
            _count++;
            switch (entry.Disposition)
            {
                case DeliveryDisposition.Deferred: _deferred++; break;
                case DeliveryDisposition.Bounced or DeliveryDisposition.Expired: _bounced++; break;
                case DeliveryDisposition.HostFailed: _hostFailures++; break;
                case DeliveryDisposition.Queued: _queued++; break;
            }

            if (entry.Timestamp is { } t)
            {
                _first = _first is null || t < _first ? t : _first;
                _last = _last is null || t > _last ? t : _last;
            }

            // Hashes, not strings, and capped per group and in all: the count stays bounded however long the log.
            if (entry.Recipient is { } r && _distinct.Count < MaxDistinctCounted && _owner._distinctTotal < MaxDistinctTotal
                && _distinct.Add(StringComparer.OrdinalIgnoreCase.GetHashCode(r)))
            {
                _owner._distinctTotal++;
                if (_recipients.Count < MaxAddressesPerGroup)
                {
                    _recipients.Add(r);
                }
            }

            if ((entry.RelayHost ?? entry.RelayAddress) is not null && _relays.Count < MaxRelaysPerGroup && !HasRelay(entry.RelayHost ?? string.Empty, entry.RelayAddress))
            {
                _relays.Add(entry.RelayHost + (entry.RelayAddress is { } a ? "[" + a + "]" : string.Empty));
            }

            _target ??= entry.RelayAddress ?? entry.RelayHost;
            _phrase ??= phrase?.Text;
            _sample ??= entry.Reason is { } reason ? (reason.Length > 300 ? reason.Substring(0, 300) + "…" : reason) : null;
        }

        /// <summary>Whether "host[address]" (or the bare host) is listed, without building the text for every line.</summary>
        private bool HasRelay(string host, string? address)
        {
            foreach (var relay in _relays)
            {
                if (address is null
                    ? relay == host
                    : relay.Length == host.Length + address.Length + 2 && relay.StartsWith(host, StringComparison.Ordinal) && relay[host.Length] == '['
                        && string.CompareOrdinal(relay, host.Length + 1, address, 0, address.Length) == 0 && relay[relay.Length - 1] == ']')
                {
                    return true;
                }
            }

            return false;
        }

        public MailLogGroup ToGroup() => new()
        {
            Destination = _destination,
            PathSignature = _signature,
            Code = PathSignatureCatalog.Code(_signature) ?? string.Empty,
            Incidents = Readable.List(PathSignatureCatalog.Incidents(_signature)),
            Count = _count,
            Deferred = _deferred,
            Bounced = _bounced,
            HostFailures = _hostFailures,
            Queued = _queued,
            FirstSeen = _first,
            LastSeen = _last,
            Recipients = _recipients,
            RecipientCount = _distinct.Count,
            Relays = _relays,
            Phrase = _phrase,
            SampleReason = _sample,
            Meaning = PathSignatureCatalog.Meaning(_signature),
            NextCommands = Readable.List(PathSignatureCatalog.Commands(_signature, _target, _domain)),
        };
    }
}
