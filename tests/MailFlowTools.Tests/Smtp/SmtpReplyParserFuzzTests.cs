using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// Fuzzes the reply parser with a million mutated replies seeded from lab captures (tests/Fixtures/smtp). Not part of the normal run
/// (tests/run.sh filters Category!=Fuzz); run it with: dotnet test --filter Category=Fuzz.
/// The parser may only return replies or throw <see cref="SmtpProtocolException"/>; anything else fails.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SmtpReplyParserFuzzTests
{
    private readonly ITestOutputHelper output;

    public SmtpReplyParserFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void OneMillionMutatedRepliesOnlyEverParseOrThrowTheTypedException()
    {
        const int iterations = 1_000_000;
        var random = new Random(20240501);
        // Replies captured byte for byte from the lab Postfix (tests/MailFlowTools.Fuzz capture-smtp).
        var seeds = Directory.GetFiles(TestPaths.InRepo("tests", "Fixtures", "smtp"), "*.reply").OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Assert.True(seeds.Length >= 20, "the captured replies are missing");
        var parser = new SmtpReplyParser(maxLineLength: 512, maxReplyLength: 4096);
        long replies = 0, rejected = 0, bytes = 0;
        var errors = new Dictionary<SmtpProtocolError, long>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Length)], random);
            bytes += input.Length;
            parser.Reset();
            try
            {
                // Feed in random pieces, as the network would.
                var offset = 0;
                while (offset < input.Length)
                {
                    var piece = Math.Min(input.Length - offset, 1 + random.Next(64));
                    var span = input.AsSpan(offset, piece);
                    while (span.Length > 0)
                    {
                        var reply = parser.Feed(span, out var consumed);
                        Assert.InRange(consumed, 1, span.Length);
                        span = span.Slice(consumed);
                        if (reply is not null)
                        {
                            replies++;
                            Assert.InRange(reply.Code, 200, 599);
                            Assert.NotEmpty(reply.Lines);
                        }
                    }

                    offset += piece;
                }
            }
            catch (SmtpProtocolException ex)
            {
                rejected++;
                errors[ex.Error] = errors.TryGetValue(ex.Error, out var n) ? n + 1 : 1;
            }
        }

        watch.Stop();
        output.WriteLine($"{iterations:N0} inputs ({bytes / 1048576.0:0.0} MiB) in {watch.Elapsed.TotalSeconds:0.00} s: {iterations / watch.Elapsed.TotalSeconds:N0} inputs/s, {bytes / 1048576.0 / watch.Elapsed.TotalSeconds:0.0} MiB/s");
        output.WriteLine($"{replies:N0} replies parsed, {rejected:N0} inputs rejected: " + string.Join(", ", errors));
        Assert.True(replies > 0 && rejected > 0);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(8))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data.RemoveAt(random.Next(data.Count));
                    break;
                case 2:
                    data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                    break;
                case 3:
                    data.Insert(random.Next(data.Count + 1), random.Next(2) == 0 ? (byte)'\n' : (byte)'-');
                    break;
                case 4:
                    // A long run of one byte, sometimes past the line cap.
                    var run = new byte[random.Next(1200)];
                    Array.Fill(run, (byte)"A-0\r 9"[random.Next(6)]);
                    data.InsertRange(random.Next(data.Count + 1), run);
                    break;
                case 5 when data.Count > 4:
                    data.RemoveRange(random.Next(data.Count / 2), random.Next(data.Count / 2));
                    break;
                case 6:
                    // Splice another line's code into this one.
                    var code = Encoding.ASCII.GetBytes(random.Next(100, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    data.InsertRange(random.Next(data.Count + 1), code);
                    break;
                default:
                    data.AddRange(data.GetRange(0, Math.Min(data.Count, random.Next(200))));
                    break;
            }
        }

        return data.ToArray();
    }
}
