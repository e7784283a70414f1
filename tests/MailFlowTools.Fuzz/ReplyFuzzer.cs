using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Fuzz;

/// <summary>
/// Mutates real SMTP replies (tests/Fixtures/smtp/*.reply, captured from the lab Postfix) and checks the reply parser:
/// it returns replies or throws <see cref="SmtpProtocolException"/> and nothing else; every Feed consumes between 1
/// byte and all it was given; every reply has a code 200..599, at least one line, lines and reply within the caps;
/// and the input fed whole gives exactly the same replies and error as the same input fed in random pieces
/// (as the network splits it). Alternates the engine's default caps with small ones, so the caps are hit often.
/// </summary>
internal static class ReplyFuzzer
{
    /// <summary>Past the engine's reply cap (64 KiB), so inputs can exceed every cap, and no larger.</summary>
    private const int MaxInput = 72 * 1024;

    private static readonly byte[] Interesting = Encoding.ASCII.GetBytes("\r\n- 0259").Concat(new byte[] { 0x00, 0x7F, 0x80, 0xC3, 0xFF }).ToArray();

    public static int Run(string fixtureDir, long iterations, int seed, TextWriter output)
    {
        var seeds = Directory.Exists(fixtureDir) ? Directory.GetFiles(fixtureDir, "*.reply").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes).ToList() : new List<byte[]>();
        if (seeds.Count == 0)
        {
            output.WriteLine($"No *.reply seeds in {fixtureDir}.");
            return 2;
        }

        var parsers = new[] { new SmtpReplyParser(), new SmtpReplyParser(maxLineLength: 512, maxReplyLength: 4096) };
        foreach (var s in seeds)
        {
            // Seeds themselves must parse, completely.
            var whole = Parse(parsers[0], s, null);
            if (whole.Error is not null || whole.Replies.Count == 0 || whole.Partial)
            {
                output.WriteLine("A seed does not parse: " + Encoding.UTF8.GetString(s));
                return 2;
            }
        }

        var random = new Random(seed);
        var findings = new Dictionary<string, (int Count, byte[] Example)>();
        long replies = 0, rejected = 0, partial = 0, bytes = 0;
        var errors = new Dictionary<SmtpProtocolError, long>();
        var stopwatch = Stopwatch.StartNew();
        for (long i = 0; i < iterations; i++)
        {
            var input = Mutate(seeds, random);
            bytes += input.Length;
            var parser = parsers[i % 2];
            ParseResult whole, pieces;
            try
            {
                whole = Parse(parser, input, null);
                pieces = Parse(parser, input, random);
            }
            catch (Exception ex)
            {
                Record(findings, ex.GetType().Name + ": " + ex.Message.Split('\'')[0], input);
                continue;
            }

            if ((whole.Violation ?? pieces.Violation) is { } violation)
            {
                Record(findings, violation, input);
                continue;
            }

            if (!whole.SameAs(pieces))
            {
                Record(findings, "fed whole and fed in pieces disagree", input);
                continue;
            }

            replies += whole.Replies.Count;
            partial += whole.Partial ? 1 : 0;
            if (whole.Error is { } error)
            {
                rejected++;
                errors[error] = errors.TryGetValue(error, out var n) ? n + 1 : 1;
            }
        }

        stopwatch.Stop();
        output.WriteLine($"smtp reply parser: seeds {seeds.Count} ({seeds.Sum(s => s.Length)} bytes) from {fixtureDir}, iterations {iterations}, seed {seed}");
        output.WriteLine($"time {stopwatch.Elapsed.TotalSeconds:0.0} s, {iterations / stopwatch.Elapsed.TotalSeconds:0} inputs/s (each parsed twice: whole and in pieces), {bytes / 1048576.0 / stopwatch.Elapsed.TotalSeconds:0.0} MiB/s of input");
        output.WriteLine($"replies {replies}, inputs rejected with SmtpProtocolException {rejected} ({string.Join(", ", errors.OrderBy(e => e.Key).Select(e => e.Key + " " + e.Value))}), inputs ending mid-reply {partial}");
        output.WriteLine($"findings: {findings.Count}");
        foreach (var (what, (count, example)) in findings)
        {
            output.WriteLine($"  {count} x {what}");
            output.WriteLine($"    example: {Convert.ToHexString(example)}");
        }

        return findings.Count == 0 ? 0 : 1;
    }

    /// <summary>Feeds <paramref name="input"/> whole (random null) or in random pieces; only the typed exception is caught.</summary>
    private static ParseResult Parse(SmtpReplyParser parser, byte[] input, Random? random)
    {
        parser.Reset();
        var result = new ParseResult();
        var offset = 0;
        try
        {
            while (offset < input.Length)
            {
                var length = random is null ? input.Length - offset : Math.Min(input.Length - offset, random.Next(4) == 0 ? 1 : 1 + random.Next(64));
                var span = input.AsSpan(offset, length);
                while (span.Length > 0)
                {
                    var reply = parser.Feed(span, out var consumed);
                    if (consumed < 1 || consumed > span.Length)
                    {
                        result.Violation = $"Feed consumed {consumed} of {span.Length} bytes";
                        return result;
                    }

                    span = span.Slice(consumed);
                    if (reply is not null)
                    {
                        result.Violation ??= Check(parser, reply);
                        result.Replies.Add(reply.Code + " " + string.Join("\n", reply.Lines) + " " + reply.EnhancedStatus + " " + reply.WireLength);
                    }
                }

                offset += length;
            }

            result.Partial = parser.HasPartialReply;
        }
        catch (SmtpProtocolException ex)
        {
            result.Error = ex.Error;
        }

        return result;
    }

    private static string? Check(SmtpReplyParser parser, SmtpReply reply)
    {
        if (reply.Code is < 200 or > 599)
        {
            return "reply code out of range";
        }

        if (reply.Lines.Count == 0)
        {
            return "reply without lines";
        }

        if (reply.WireLength > parser.MaxReplyLength)
        {
            return "reply longer than the cap";
        }

        return reply.Lines.Any(l => Encoding.UTF8.GetByteCount(l) > parser.MaxLineLength) ? "line longer than the cap" : null;
    }

    private static void Record(Dictionary<string, (int Count, byte[] Example)> findings, string key, byte[] input)
    {
        findings[key] = findings.TryGetValue(key, out var existing) ? (existing.Count + 1, existing.Example) : (1, input);
    }

    private static byte[] Mutate(List<byte[]> seeds, Random random)
    {
        var data = seeds[random.Next(seeds.Count)].ToList();
        var steps = 1 + random.Next(4);
        for (var s = 0; s < steps; s++)
        {
            switch (random.Next(10))
            {
                case 0 when data.Count > 0: // flip a bit
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0: // an interesting byte
                    data[random.Next(data.Count)] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2: // insert an interesting or random byte
                    data.Insert(random.Next(data.Count + 1), random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256));
                    break;
                case 3 when data.Count > 0: // delete a range
                    var at = random.Next(data.Count);
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8)));
                    break;
                case 4: // truncate
                    data = data.Take(random.Next(data.Count + 1)).ToList();
                    break;
                case 5: // a long run of one byte, sometimes past a line or reply cap
                    var run = new byte[random.Next(8) == 0 ? random.Next(70000) : random.Next(600)];
                    Array.Fill(run, (byte)"A-0\r 9\n"[random.Next(7)]);
                    data.InsertRange(random.Next(data.Count + 1), run);
                    break;
                case 6: // another reply code
                    var code = Encoding.ASCII.GetBytes(random.Next(100, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + (random.Next(2) == 0 ? "-" : " "));
                    data.InsertRange(random.Next(data.Count + 1), code);
                    break;
                case 7: // repeat one whole line (more lines in a reply: sometimes past the reply cap) or any chunk
                    if (data.Count > 0)
                    {
                        var start = random.Next(data.Count);
                        int length;
                        if (random.Next(2) == 0)
                        {
                            start = data.LastIndexOf((byte)'\n', start) + 1;
                            var end = data.IndexOf((byte)'\n', start);
                            length = (end < 0 ? data.Count : end + 1) - start;
                        }
                        else
                        {
                            length = Math.Min(data.Count - start, 1 + random.Next(200));
                        }

                        var chunk = data.GetRange(start, length);
                        var copies = random.Next(15) == 0 ? random.Next(100, 2000) : random.Next(1, 3);
                        var repeated = new List<byte>(chunk.Count * copies);
                        for (var c = 0; c < copies; c++)
                        {
                            repeated.AddRange(chunk);
                        }

                        data.InsertRange(start, repeated);
                    }

                    break;
                case 8: // line endings: CRLF to LF, or a bare CR
                    var crlf = data.IndexOf((byte)'\r');
                    if (crlf >= 0)
                    {
                        data.RemoveAt(crlf);
                    }
                    else if (data.Count > 0)
                    {
                        data.Insert(random.Next(data.Count), (byte)'\r');
                    }

                    break;
                default: // splice with another seed
                    var other = seeds[random.Next(seeds.Count)];
                    var cut = random.Next(data.Count + 1);
                    data = data.Take(cut).Concat(other.Skip(random.Next(other.Length))).ToList();
                    break;
            }

            if (data.Count > MaxInput)
            {
                data.RemoveRange(MaxInput, data.Count - MaxInput);
            }
        }

        return data.ToArray();
    }
}
