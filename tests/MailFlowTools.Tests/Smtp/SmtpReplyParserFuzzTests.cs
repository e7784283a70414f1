using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using MailFlowTools.Core.Smtp;
using Xunit.Abstractions;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// Fuzzes the reply parser with a million mutated replies seeded from lab captures. Not part of the normal run
/// (tests/run.sh filters Category!=Fuzz); run it with: dotnet test --filter Category=Fuzz.
/// The parser may only return replies or throw <see cref="SmtpProtocolException"/>; anything else fails.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SmtpReplyParserFuzzTests
{
    // Replies captured from the lab (Postfix 3.7 on mx1.lab.test, the fixup box, the stall path).
    private static readonly string[] Seeds =
    {
        "220 mx.lab.test ESMTP MailFlowTools lab 1.0\r\n",
        "220 *********** ***** ************* *** **0\r\n",
        "250-mx.lab.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
        "220 2.0.0 Ready to start TLS\r\n",
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
        "421 4.4.2 mx.lab.test Error: timeout exceeded\r\n",
        "554 5.5.1 Error: no valid recipients\r\n",
        "550 5.1.1 <nobody@lab.test>: Recipient address rejected: User unknown in local recipient table\r\n",
        "221 2.0.0 Bye\r\n",
        "502 5.5.2 Error: command not recognized\r\n",
    };

    private readonly ITestOutputHelper output;

    public SmtpReplyParserFuzzTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void OneMillionMutatedRepliesOnlyEverParseOrThrowTheTypedException()
    {
        const int iterations = 1_000_000;
        var random = new Random(20240501);
        var seeds = Array.ConvertAll(Seeds, s => Encoding.UTF8.GetBytes(s));
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
