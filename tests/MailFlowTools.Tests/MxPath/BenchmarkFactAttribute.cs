using System;

namespace MailFlowTools.Tests.MxPath;

/// <summary>A measurement that runs only when MAILFLOW_BENCH=1; it reports figures rather than gating CI.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MAILFLOW_BENCH") != "1")
        {
            Skip = "A measurement: set MAILFLOW_BENCH=1 to run it.";
        }
    }
}
