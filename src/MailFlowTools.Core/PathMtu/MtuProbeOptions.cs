using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Parameters;

namespace MailFlowTools.Core.PathMtu;

/// <summary>What Find-MtuBlackHole should probe and how. Zero sizes mean "the method's default".</summary>
public sealed class MtuProbeOptions
{
    public const double DefaultTimeoutSeconds = 2;
    public const double MaxTimeoutSeconds = 300;
    public const int DefaultPort = 25;
    public const int MinPort = 1;
    public const int MaxPort = 65535;
    public const int MinIPv4Size = 68;
    public const int MinIPv6Size = 1280;
    public const int MaxIpSize = 65535;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(MaxTimeoutSeconds);

    public string ComputerName { get; init; } = string.Empty;

    public MtuProbeMethod Method { get; init; } = MtuProbeMethod.Auto;

    public int Port { get; init; } = DefaultPort;

    /// <summary>Smallest IP packet size to try; 0 for the default (IPv4 68 for ICMP, 576 for TCP; IPv6 1280).</summary>
    public int MinSize { get; init; }

    /// <summary>Largest IP packet size to try; 0 for the MTU of the outgoing interface.</summary>
    public int MaxSize { get; init; }

    /// <summary>TCP payload sizes for the envelope sweep; empty for <see cref="DefaultSweepSizes"/>.</summary>
    public int[] PayloadSizes { get; init; } = Array.Empty<int>();

    /// <summary>The longest wait for one probe's answer (-TimeoutSeconds).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public MtuProbeAddressFamily AddressFamily { get; init; } = MtuProbeAddressFamily.Any;

    /// <summary>Tuning knobs; the defaults are what the cmdlet uses.</summary>
    internal MtuSearchTuning Tuning { get; init; } = new();

    /// <summary>2^n ± 2 for n = 8..11 (every value in each window) plus a coarse grid.</summary>
    public static int[] DefaultSweepSizes { get; } = BuildDefaultSweep();

    /// <summary>Throws an invalid-invocation <see cref="MailFlowException"/> (ValueOutOfRange) for a bad value.</summary>
    /// <summary>The options as Find-MtuBlackHole and its CLI verb take them, validated: their one factory.</summary>
    public static MtuProbeOptions FromParameters(string computerName, MtuProbeMethod method, int port, int minSize, int maxSize, IReadOnlyList<int>? payloadSizes, double timeoutSeconds, MtuProbeAddressFamily addressFamily)
    {
        var options = new MtuProbeOptions
        {
            ComputerName = computerName,
            Method = method,
            Port = port,
            MinSize = minSize,
            MaxSize = maxSize,
            PayloadSizes = payloadSizes?.ToArray() ?? Array.Empty<int>(),
            Timeout = ParameterSeconds.Convert(timeoutSeconds, IsValidTimeout, TimeoutOutOfRange),
            AddressFamily = addressFamily,
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (Port is < MinPort or > MaxPort)
        {
            throw OutOfRange("Port", Port, $"{MinPort} to {MaxPort}");
        }

        if (!IsValidTimeout(Timeout))
        {
            throw TimeoutOutOfRange(ParameterSeconds.Of(Timeout));
        }

        var floor = AddressFamily == MtuProbeAddressFamily.IPv6 ? MinIPv6Size : MinIPv4Size;
        var family = AddressFamily == MtuProbeAddressFamily.IPv6 ? "IPv6" : "IPv4";
        if (MinSize != 0 && (MinSize < floor || MinSize > MaxIpSize))
        {
            throw OutOfRange("MinSize", MinSize, $"{floor} to {MaxIpSize} ({family} packet sizes)");
        }

        if (MaxSize != 0 && (MaxSize < floor || MaxSize > MaxIpSize))
        {
            throw OutOfRange("MaxSize", MaxSize, $"{floor} to {MaxIpSize} ({family} packet sizes)");
        }

        if (MinSize != 0 && MaxSize != 0 && MinSize > MaxSize)
        {
            throw OutOfRange("MinSize", MinSize, $"at most -MaxSize ({MaxSize})");
        }

        foreach (var size in PayloadSizes ?? Array.Empty<int>())
        {
            if (size < EnvelopePayload.MinPayloadSize || size > EnvelopePayload.MaxPayloadSize)
            {
                throw OutOfRange("PayloadSize", size, $"{EnvelopePayload.MinPayloadSize} to {EnvelopePayload.MaxPayloadSize} bytes");
            }
        }
    }

    private static bool IsValidTimeout(TimeSpan timeout) => timeout > TimeSpan.Zero && timeout <= MaxTimeout;

    private static MailFlowException TimeoutOutOfRange(double seconds) =>
        OutOfRange("TimeoutSeconds", seconds, $"greater than 0 and at most {MaxTimeoutSeconds}");

    private static MailFlowException OutOfRange(string parameter, object value, string range) =>
        MailFlowException.InvalidArgument(
            ErrorIds.ValueOutOfRange,
            string.Format(CultureInfo.InvariantCulture, "-{0} {1} is out of range: use {2}.", parameter, value, range),
            value);

    private static int[] BuildDefaultSweep()
    {
        var sizes = new SortedSet<int>();
        for (var n = 8; n <= 11; n++)
        {
            for (var d = -2; d <= 2; d++)
            {
                sizes.Add((1 << n) + d);
            }
        }

        // Coarse grid: catches loss that is not tied to a power of two, up to a full Ethernet segment.
        foreach (var s in new[] { 100, 200, 300, 400, 600, 700, 800, 900, 1100, 1200, 1300, 1400, 1448, 1460 })
        {
            sizes.Add(s);
        }

        return sizes.ToArray();
    }
}
