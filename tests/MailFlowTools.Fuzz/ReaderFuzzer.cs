using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Fuzz;

/// <summary>
/// Mutates the seed answers and checks two properties: the reader returns a message or throws
/// <see cref="DnsParseException"/> and nothing else; whatever it returns, the writer either writes (then the
/// reader reads that back) or refuses with <see cref="ArgumentException"/>.
/// </summary>
internal static class ReaderFuzzer
{
    private static readonly byte[] Interesting = { 0x00, 0x01, 0x3F, 0x40, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xFE, 0xFF, 0x29, 0x0C };

    public static int Run(string fixtureDir, long iterations, int seed, TextWriter output)
    {
        var seeds = Directory.Exists(fixtureDir) ? Directory.GetFiles(fixtureDir, "*.bin").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes).ToList() : new List<byte[]>();
        if (seeds.Count == 0)
        {
            output.WriteLine($"No *.bin seeds in {fixtureDir}.");
            return 2;
        }

        foreach (var s in seeds)
        {
            DnsMessageReader.Read(s); // seeds themselves must parse
        }

        var random = new Random(seed);
        var crashes = new Dictionary<string, (int Count, byte[] Example)>();
        long parsed = 0, rejected = 0, rewritten = 0, writerRefused = 0;
        var stopwatch = Stopwatch.StartNew();
        for (long i = 0; i < iterations; i++)
        {
            var input = Mutate(seeds, random);
            DnsMessage? message = null;
            try
            {
                message = DnsMessageReader.Read(input);
                parsed++;
            }
            catch (DnsParseException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                Record(crashes, "reader: " + ex.GetType().Name + ": " + ex.Message, input);
            }

            if (message is null)
            {
                continue;
            }

            byte[] written;
            try
            {
                written = DnsMessageWriter.Write(message);
            }
            catch (ArgumentException)
            {
                writerRefused++;
                continue;
            }
            catch (Exception ex)
            {
                Record(crashes, "writer: " + ex.GetType().Name + ": " + ex.Message, input);
                continue;
            }

            try
            {
                DnsMessageReader.Read(written);
                rewritten++;
            }
            catch (Exception ex)
            {
                Record(crashes, "re-read: " + ex.GetType().Name + ": " + ex.Message, input);
            }
        }

        stopwatch.Stop();
        var rate = iterations / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"seeds {seeds.Count} ({seeds.Sum(s => s.Length)} bytes), iterations {iterations}, seed {seed}");
        output.WriteLine($"time {stopwatch.Elapsed.TotalSeconds:0.0} s, {rate:0} inputs/s");
        output.WriteLine($"parsed {parsed}, rejected with DnsParseException {rejected}, rewritten and re-read {rewritten}, writer refused {writerRefused}");
        output.WriteLine($"findings: {crashes.Count}");
        foreach (var (what, (count, example)) in crashes)
        {
            output.WriteLine($"  {count} x {what}");
            output.WriteLine($"    example: {Convert.ToHexString(example)}");
        }

        return crashes.Count == 0 ? 0 : 1;
    }

    private static void Record(Dictionary<string, (int Count, byte[] Example)> crashes, string key, byte[] input)
    {
        crashes[key] = crashes.TryGetValue(key, out var existing) ? (existing.Count + 1, existing.Example) : (1, input);
    }

    private static byte[] Mutate(List<byte[]> seeds, Random random)
    {
        var data = seeds[random.Next(seeds.Count)].ToList();
        var steps = 1 + random.Next(4);
        for (var s = 0; s < steps && data.Count > 0; s++)
        {
            switch (random.Next(9))
            {
                case 0: // flip bits
                    var at = random.Next(data.Count);
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // an interesting byte
                    data[random.Next(data.Count)] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2: // random byte
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 3: // truncate
                    data = data.Take(random.Next(data.Count + 1)).ToList();
                    break;
                case 4: // insert random bytes
                    var insert = Enumerable.Range(0, 1 + random.Next(8)).Select(_ => (byte)random.Next(256));
                    data.InsertRange(random.Next(data.Count + 1), insert);
                    break;
                case 5: // compression pointer to a random place
                    var p = random.Next(data.Count);
                    var target = random.Next(Math.Max(1, data.Count));
                    data[p] = (byte)(0xC0 | ((target >> 8) & 0x3F));
                    if (p + 1 < data.Count)
                    {
                        data[p + 1] = (byte)target;
                    }

                    break;
                case 6: // header count
                    if (data.Count >= 12)
                    {
                        var field = 4 + (2 * random.Next(4));
                        var value = random.Next(4) == 0 ? random.Next(65536) : data[field + 1] + random.Next(-2, 3);
                        data[field] = (byte)(value >> 8);
                        data[field + 1] = (byte)value;
                    }

                    break;
                case 7: // duplicate a chunk
                    var start = random.Next(data.Count);
                    var length = Math.Min(data.Count - start, 1 + random.Next(64));
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(start, length));
                    break;
                default: // splice with another seed
                    var other = seeds[random.Next(seeds.Count)];
                    var cut = random.Next(data.Count + 1);
                    var from = random.Next(other.Length);
                    data = data.Take(cut).Concat(other.Skip(from)).ToList();
                    break;
            }
        }

        return data.ToArray();
    }
}
