using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace MailFlowTools.Benchmarks;

/// <summary>One measured run over one input.</summary>
public sealed class Measurement
{
    public string Target { get; init; } = string.Empty;

    public int Run { get; init; }

    /// <summary>Items (messages, replies) per second.</summary>
    public double Rate { get; init; }

    public string Unit { get; init; } = string.Empty;

    public double MegabytesPerSecond { get; init; }

    /// <summary>Managed bytes allocated per item parsed.</summary>
    public double BytesAllocatedPerItem { get; init; }

    public long Items { get; init; }

    public double ElapsedMs { get; init; }

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["scenario"] = "parsers",
        ["target"] = Target,
        ["tool"] = "MailFlowTools.Benchmarks",
        ["run"] = Run,
        ["rate"] = System.Math.Round(Rate, 1),
        ["unit"] = Unit,
        ["mb_per_s"] = System.Math.Round(MegabytesPerSecond, 1),
        ["alloc_bytes_per_item"] = System.Math.Round(BytesAllocatedPerItem, 1),
        ["items"] = Items,
        ["elapsed_ms"] = System.Math.Round(ElapsedMs, 1),
    });

    public string ToText() => string.Format(
        CultureInfo.InvariantCulture,
        "{0,-58} run {1}: {2,12:N0} {3}  {4,7:N1} MB/s  {5,8:N0} B allocated/item",
        Target,
        Run,
        Rate,
        Unit,
        MegabytesPerSecond,
        BytesAllocatedPerItem);
}
