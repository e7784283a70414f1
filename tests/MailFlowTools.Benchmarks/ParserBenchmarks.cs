using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Benchmarks;

/// <summary>
/// Parses captured lab answers in a tight loop: the DNS wire reader over every captured message, over the largest one
/// alone, and the incremental SMTP reply parser over a whole captured session.
/// </summary>
public sealed class ParserBenchmarks
{
    private const double WarmupSeconds = 1.0;

    private readonly BenchmarkOptions _options;

    // Keeps the JIT from discarding parses whose results are otherwise unused.
    private long _sink;

    public ParserBenchmarks(BenchmarkOptions options)
    {
        _options = options;
    }

    public IEnumerable<Measurement> Run()
    {
        var dnsFiles = Directory.GetFiles(Path.Combine(_options.Fixtures, "dns"), "*.bin").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var messages = dnsFiles.Select(File.ReadAllBytes).ToArray();
        if (messages.Length == 0)
        {
            throw new InvalidOperationException("No DNS fixtures (dns/*.bin).");
        }

        // Every fixture must parse, or the rate would count exceptions.
        foreach (var (file, bytes) in dnsFiles.Zip(messages))
        {
            var parsed = DnsMessageReader.Read(bytes);
            if (parsed.WireSize != bytes.Length)
            {
                throw new InvalidOperationException($"{file}: parsed {parsed.WireSize} of {bytes.Length} bytes.");
            }
        }

        var mixedBytes = messages.Sum(m => (long)m.Length);
        var mixedName = string.Format(CultureInfo.InvariantCulture, "DNS answers, {0} lab messages, {1:N0} B average", messages.Length, mixedBytes / messages.Length);
        foreach (var m in Measure(mixedName, "msg/s", mixedBytes, () => ParseAll(messages), messages.Length))
        {
            yield return m;
        }

        var largest = messages.OrderByDescending(m => m.Length).First();
        var largestName = string.Format(CultureInfo.InvariantCulture, "DNS answer, big.lab.test MX over TCP, {0:N0} B", largest.Length);
        foreach (var m in Measure(largestName, "msg/s", largest.Length, () => ParseOne(largest), 1))
        {
            yield return m;
        }

        var session = File.ReadAllBytes(Path.Combine(_options.Fixtures, "smtp", "session.txt"));
        var parser = new SmtpReplyParser();
        var replies = FeedAll(parser, session);
        if (replies == 0)
        {
            throw new InvalidOperationException("No SMTP replies in smtp/session.txt.");
        }

        var smtpName = string.Format(CultureInfo.InvariantCulture, "SMTP replies, Postfix session, {0} replies in {1} B", replies, session.Length);
        foreach (var m in Measure(smtpName, "replies/s", session.Length, () => FeedAll(parser, session), replies))
        {
            yield return m;
        }
    }

    private int ParseAll(byte[][] messages)
    {
        foreach (var m in messages)
        {
            _sink += DnsMessageReader.Read(m).Answers.Count;
        }

        return messages.Length;
    }

    private int ParseOne(byte[] message)
    {
        _sink += DnsMessageReader.Read(message).Answers.Count;
        return 1;
    }

    private int FeedAll(SmtpReplyParser parser, byte[] session)
    {
        var count = 0;
        var rest = new ReadOnlySpan<byte>(session);
        while (!rest.IsEmpty)
        {
            var reply = parser.Feed(rest, out var consumed);
            rest = rest.Slice(consumed);
            if (reply is null)
            {
                break;
            }

            _sink += reply.Code;
            count++;
        }

        return count;
    }

    /// <summary>Warm-up, then <see cref="BenchmarkOptions.Runs"/> runs of about <see cref="BenchmarkOptions.Seconds"/> each.</summary>
    private IEnumerable<Measurement> Measure(string name, string unit, long bytesPerBatch, Func<int> batch, int itemsPerBatch)
    {
        Loop(batch, WarmupSeconds);
        for (var run = 1; run <= _options.Runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var (batches, elapsed) = Loop(batch, _options.Seconds);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var items = batches * itemsPerBatch;
            yield return new Measurement
            {
                Target = name,
                Run = run,
                Rate = items / elapsed.TotalSeconds,
                Unit = unit,
                MegabytesPerSecond = batches * bytesPerBatch / elapsed.TotalSeconds / 1e6,
                BytesAllocatedPerItem = (double)allocated / items,
                Items = items,
                ElapsedMs = elapsed.TotalMilliseconds,
            };
        }
    }

    private static (long Batches, TimeSpan Elapsed) Loop(Func<int> batch, double seconds)
    {
        var limit = TimeSpan.FromSeconds(seconds);
        var watch = Stopwatch.StartNew();
        long batches = 0;
        while (true)
        {
            // Check the clock every 64 batches so that reading it costs nothing measurable.
            for (var i = 0; i < 64; i++)
            {
                batch();
            }

            batches += 64;
            if (watch.Elapsed >= limit)
            {
                return (batches, watch.Elapsed);
            }
        }
    }
}
