using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// One batch's answers for the names many of its domains share: the MX hosts' A and AAAA records and their TLSA
/// records. A hosting provider's ten thousand domains point at a handful of MX hosts; without this, every domain
/// asked the resolver the same three questions again. Asks that arrive while the same question is out share it.
/// <para>
/// Only complete answers are kept (NOERROR, with records or without), each for its smallest TTL and never longer
/// than <see cref="MaxAge"/>; a failure (timeout, SERVFAIL, NXDOMAIN) is asked again by the next domain, so each
/// domain's result shows the failure it met. Bounded: past <see cref="Capacity"/> names, asks go to the resolver.
/// </para>
/// </summary>
public sealed class DnsAnswerCache
{
    public const int DefaultCapacity = 4096;

    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<Key, Entry> _entries = new();
    private readonly Func<long> _clock;
    private int _count;

    public DnsAnswerCache(int capacity = DefaultCapacity, TimeSpan? maxAge = null, Func<long>? clock = null)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "The capacity must be at least 1.");
        }

        Capacity = capacity;
        MaxAge = maxAge ?? DefaultMaxAge;
        _clock = clock ?? Stopwatch.GetTimestamp;
    }

    public int Capacity { get; }

    public TimeSpan MaxAge { get; }

    /// <summary>Names kept or being asked now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The kept answer to this question from these servers, or the one being asked now, or <paramref name="ask"/>'s.
    /// <paramref name="followsCnames"/> tells a lookup that follows CNAMEs from a single query of the same name.
    /// </summary>
    public Task<DnsLookup> GetOrAskAsync(string servers, string name, DnsRecordType type, bool dnssecOk, bool followsCnames, Func<Task<DnsLookup>> ask)
    {
        var key = new Key(servers, name.TrimEnd('.').ToLowerInvariant(), type, dnssecOk, followsCnames);
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (!existing.Answer.IsCompleted || _clock() < existing.ExpiresAt)
                {
                    return existing.Answer;
                }

                Remove(key, existing);
                continue;
            }

            if (Interlocked.Increment(ref _count) > Capacity)
            {
                Interlocked.Decrement(ref _count);
                return ask();
            }

            var pending = new TaskCompletionSource<DnsLookup>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = new Entry(pending.Task);
            if (!_entries.TryAdd(key, entry))
            {
                Interlocked.Decrement(ref _count);
                continue;
            }

            _ = AskAndKeepAsync(key, entry, pending, ask);
            return pending.Task;
        }
    }

    private async Task AskAndKeepAsync(Key key, Entry entry, TaskCompletionSource<DnsLookup> pending, Func<Task<DnsLookup>> ask)
    {
        DnsLookup answer;
        try
        {
            answer = await ask().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Remove(key, entry);
            if (ex is OperationCanceledException cancelled)
            {
                pending.TrySetCanceled(cancelled.CancellationToken);
            }
            else
            {
                pending.TrySetException(ex);
            }

            return;
        }

        var keep = KeepFor(answer);
        if (keep > TimeSpan.Zero)
        {
            entry.ExpiresAt = _clock() + (long)(keep.TotalSeconds * Stopwatch.Frequency);
        }
        else
        {
            Remove(key, entry);
        }

        pending.TrySetResult(answer);
    }

    /// <summary>How long an answer may be used again: its smallest TTL (the SOA's for an empty answer), at most <see cref="MaxAge"/>.</summary>
    internal TimeSpan KeepFor(DnsLookup answer)
    {
        if (answer.Error != DnsLookupError.None || answer.Response is null)
        {
            return TimeSpan.Zero;
        }

        var records = answer.Response.Answers.Count > 0
            ? answer.Response.Answers
            : answer.Response.Authorities.Where(r => r.Type == DnsRecordType.SOA).ToList();
        if (records.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var ttl = TimeSpan.FromSeconds(records.Min(r => r.Ttl));
        return ttl < MaxAge ? ttl : MaxAge;
    }

    private void Remove(Key key, Entry entry)
    {
        if (((System.Collections.Generic.ICollection<System.Collections.Generic.KeyValuePair<Key, Entry>>)_entries).Remove(new(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private readonly record struct Key(string Servers, string Name, DnsRecordType Type, bool DnssecOk, bool FollowsCnames);

    private sealed class Entry
    {
        private long _expiresAt = long.MaxValue;

        public Entry(Task<DnsLookup> answer)
        {
            Answer = answer;
        }

        public Task<DnsLookup> Answer { get; }

        /// <summary>Stopwatch ticks; long.MaxValue while the question is out.</summary>
        public long ExpiresAt
        {
            get => Volatile.Read(ref _expiresAt);
            set => Volatile.Write(ref _expiresAt, value);
        }
    }
}
