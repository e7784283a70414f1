using System;
using System.Globalization;
using System.IO;

namespace MailFlowTools.Benchmarks;

/// <summary>Command line of the benchmark program.</summary>
public sealed class BenchmarkOptions
{
    public int Runs { get; init; } = 5;

    public double Seconds { get; init; } = 1.0;

    public string Fixtures { get; init; } = Path.Combine(AppContext.BaseDirectory, "LabAnswers");

    public bool JsonLines { get; init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var runs = 5;
        var seconds = 1.0;
        var fixtures = Path.Combine(AppContext.BaseDirectory, "LabAnswers");
        var jsonl = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--runs":
                    runs = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = double.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--fixtures":
                    fixtures = Value();
                    break;
                case "--jsonl":
                    jsonl = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if (runs < 1 || runs > 100 || seconds <= 0 || seconds > 60)
        {
            throw new ArgumentException("--runs must be 1..100 and --seconds 0..60.");
        }

        return new BenchmarkOptions { Runs = runs, Seconds = seconds, Fixtures = fixtures, JsonLines = jsonl };
    }
}
