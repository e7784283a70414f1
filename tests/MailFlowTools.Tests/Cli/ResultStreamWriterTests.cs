using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Output;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// The CLI's result writer: results encoded by many workers at once come out whole and as one valid document,
/// byte for byte what one JsonOutput array writer makes; the first result goes out at once, results that come
/// close together share a write, and Close writes what is pending.
/// </summary>
public sealed class ResultStreamWriterTests
{
    private static MtuProbeResult Result(int i) => new() { ComputerName = "host" + i + ".lab.test", Address = "192.0.2." + (i % 250), Port = 25 };

    private static ResultStreamWriter Writer(Stream output, OutputMode mode) => new(output, mode, () => SecretRedactor.None, () => { });

    [Fact]
    public void Json_from_many_threads_is_one_array_with_every_result_written_as_one_array_writer_writes_it()
    {
        var output = new CountingStream();
        var writer = Writer(output, OutputMode.Json);
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => writer.Write(Result(i)));
        writer.Close();

        var text = Encoding.UTF8.GetString(output.ToArray());
        using var document = JsonDocument.Parse(text);
        var names = document.RootElement.EnumerateArray().Select(e => e.GetProperty("ComputerName").GetString()!).ToList();
        Assert.Equal(2000, names.Count);
        Assert.Equal(2000, names.Distinct().Count());

        // The same results in the order written, through the one-call array writer: the same bytes.
        var ordered = names.Select(n => (object)Result(int.Parse(n["host".Length..n.IndexOf('.')]))).ToList();
        var expected = new StringWriter();
        JsonOutput.Write(expected, ordered);
        Assert.Equal(expected.ToString().Replace(Environment.NewLine, "\n"), text);
    }

    [Fact]
    public void Json_lines_are_whole_lines_and_results_close_together_share_writes()
    {
        var output = new CountingStream();
        var writer = Writer(output, OutputMode.JsonLines);
        for (var i = 0; i < 500; i++)
        {
            writer.Write(Result(i));
        }

        writer.Close();
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n');
        Assert.Equal(string.Empty, lines[^1]);
        Assert.Equal(500, lines.Length - 1);
        Assert.All(lines[..^1], l => Assert.StartsWith("{\"ComputerName\":\"host", l, StringComparison.Ordinal));

        // Written in a burst: a handful of writes (the first at once, the rest together), not one per result.
        Assert.InRange(output.Writes, 1, 20);
    }

    [Fact]
    public void The_first_result_is_written_at_once_and_one_after_it_within_the_flush_interval()
    {
        var output = new CountingStream();
        var writer = Writer(output, OutputMode.JsonLines);
        writer.Write(Result(1));
        Assert.Equal(1, output.Writes);

        writer.Write(Result(2));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (output.Writes < 2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }

        Assert.Equal(2, output.Writes);
        Assert.Equal(2, Encoding.UTF8.GetString(output.ToArray()).Count(c => c == '\n'));
        writer.Close();
    }

    [Fact]
    public void Close_writes_what_is_pending_and_later_results_are_dropped()
    {
        var output = new CountingStream();
        var writer = Writer(output, OutputMode.Json);
        writer.Write(Result(1));
        writer.Write(Result(2));
        writer.Close();
        writer.Write(Result(3));

        using var document = JsonDocument.Parse(output.ToArray());
        Assert.Equal(2, document.RootElement.GetArrayLength());
        Assert.Equal("[]\n", WrittenBy(w => w.Close()));
    }

    private static string WrittenBy(Action<ResultStreamWriter> use)
    {
        var output = new CountingStream();
        use(Writer(output, OutputMode.Json));
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private sealed class CountingStream : MemoryStream
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            // MemoryStream's span overload would come back through the array overload below and count twice.
            Interlocked.Increment(ref _writes);
            base.Write(buffer.ToArray(), 0, buffer.Length);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Interlocked.Increment(ref _writes);
            base.Write(buffer, offset, count);
        }
    }
}
