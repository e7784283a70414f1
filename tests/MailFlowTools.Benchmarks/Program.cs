using System;
using System.IO;

namespace MailFlowTools.Benchmarks;

/// <summary>
/// Throughput benchmarks for MailFlowTools' parsers. Not a test: it asserts nothing about time and CI does not run it.
/// <c>bash tests/bench/run.sh</c> runs it and puts the rates in the benchmark table.
/// </summary>
public static class Program
{
    private const string Usage =
        "Usage: MailFlowTools.Benchmarks parsers [--runs N] [--seconds S] [--fixtures DIR] [--jsonl]\n" +
        "  parsers   DNS messages/s and SMTP replies/s over answers captured from the lab\n" +
        "  --runs    measured runs per input (default 5), each after a warm-up\n" +
        "  --seconds length of one run (default 1)\n" +
        "  --fixtures directory with dns/*.bin and smtp/*.txt (default: LabAnswers next to the program)\n" +
        "  --jsonl   one JSON object per run (for tests/bench/report.py) instead of a table";

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !string.Equals(args[0], "parsers", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args[1..]);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (!Directory.Exists(options.Fixtures))
        {
            Console.Error.WriteLine($"No fixtures at {options.Fixtures}.");
            return 2;
        }

        var benchmarks = new ParserBenchmarks(options);
        foreach (var measurement in benchmarks.Run())
        {
            Console.WriteLine(options.JsonLines ? measurement.ToJson() : measurement.ToText());
        }

        return 0;
    }
}
