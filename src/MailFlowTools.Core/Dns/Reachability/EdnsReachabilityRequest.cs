using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Parameters;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>The parameters of Test-EdnsReachability as given, before validation (shared by cmdlet and CLI).</summary>
public sealed class EdnsReachabilityRequest
{
    public const double DefaultTimeoutSeconds = 3;
    public const double MinTimeoutSeconds = 0.1;
    public const double MaxTimeoutSeconds = 60;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(MinTimeoutSeconds);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(MaxTimeoutSeconds);

    public string Name { get; init; } = string.Empty;

    public DnsRecordType Type { get; init; } = DnsRecordType.MX;

    /// <summary>Addresses or host names, optionally with ":port" ("[v6]:port"). Empty: the zone's authoritative servers.</summary>
    public IReadOnlyList<string> Servers { get; init; } = Array.Empty<string>();

    /// <summary>Empty: <see cref="EdnsReachabilityOptions.DefaultBufferSizes"/>.</summary>
    public IReadOnlyList<int> BufferSizes { get; init; } = Array.Empty<int>();

    public bool DnssecOk { get; init; } = true;

    /// <summary>The longest wait for one probe's answer (-TimeoutSeconds).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public bool NoTcp { get; init; }

    public bool Compliance { get; init; }

    /// <summary>Resolver for server names and NS discovery; null uses the system's resolvers.</summary>
    public DnsResolverOptions? Resolver { get; init; }

    /// <summary>
    /// The request as Test-EdnsReachability and its CLI verb take it: their one factory. The timeout is checked
    /// here, where its seconds become a TimeSpan; the other values by <see cref="ToOptions"/>, when the runner takes
    /// the name. Either way a bad value is that name's invalid invocation (both run where the name is tested).
    /// </summary>
    public static EdnsReachabilityRequest FromParameters(string name, DnsRecordType type, IReadOnlyList<string>? servers, IReadOnlyList<int>? bufferSizes, bool dnssecOk, double timeoutSeconds, bool noTcp, bool compliance) => new()
    {
        Name = name,
        Type = type,
        Servers = servers ?? Array.Empty<string>(),
        BufferSizes = bufferSizes ?? Array.Empty<int>(),
        DnssecOk = dnssecOk,
        Timeout = ParameterSeconds.Convert(timeoutSeconds, IsValidTimeout, TimeoutOutOfRange),
        NoTcp = noTcp,
        Compliance = compliance,
    };

    /// <summary>Checks the parameter values (not the name); throws an invalid-invocation ValueOutOfRange error.</summary>
    public EdnsReachabilityOptions ToOptions()
    {
        if (!IsValidTimeout(Timeout))
        {
            throw TimeoutOutOfRange(ParameterSeconds.Of(Timeout));
        }

        foreach (var size in BufferSizes)
        {
            if (size != 0 && (size < 512 || size > ushort.MaxValue))
            {
                throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-BufferSize values must be 0 (no EDNS) or 512 to 65535; got {size}.", size);
            }
        }

        if (Type is DnsRecordType.OPT)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, "-Type OPT cannot be queried; it is the EDNS pseudo-record.", Type);
        }

        return new EdnsReachabilityOptions
        {
            Type = Type,
            BufferSizes = BufferSizes.Count == 0 ? EdnsReachabilityOptions.DefaultBufferSizes : BufferSizes.Distinct().OrderBy(s => s).ToArray(),
            DnssecOk = DnssecOk,
            Timeout = Timeout,
            IncludeTcp = !NoTcp,
            Compliance = Compliance,
        };
    }

    private static bool IsValidTimeout(TimeSpan timeout) => timeout >= MinTimeout && timeout <= MaxTimeout;

    private static MailFlowException TimeoutOutOfRange(double seconds) =>
        MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"-TimeoutSeconds must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds}; got {seconds}.", seconds);
}
