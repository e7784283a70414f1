using System;
using System.Runtime.CompilerServices;

namespace MailFlowTools.Tests.MxPath;

/// <summary>A measurement that runs only when MAILFLOW_BENCH=1; it reports figures rather than gating CI.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Environment.GetEnvironmentVariable("MAILFLOW_BENCH") != "1")
        {
            Skip = "A measurement: set MAILFLOW_BENCH=1 to run it.";
        }
    }
}
