using System;
using System.Collections.Generic;
using System.Globalization;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Parameters;

namespace MailFlowTools.Core.Diagnosis;

/// <summary>How Debug-MailFlow runs: which resolver, how long each probe waits, quick or full.</summary>
public sealed record MailFlowDiagnosisOptions
{
    public const double DefaultTimeoutSeconds = 10;
    public const double MinTimeoutSeconds = 1;
    public const double MaxTimeoutSeconds = 120;

    /// <summary>Message data sent on the selected hop: large enough that stalls and black holes show, never delivered.</summary>
    public const int ProbeMessageSize = 100 * 1024;

    /// <summary>The whole run never takes longer than this many probe timeouts; unfinished steps are reported in Notes.</summary>
    public const int BudgetTimeouts = 9;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    private static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(MinTimeoutSeconds);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(MaxTimeoutSeconds);
    private static readonly TimeSpan ConnectTimeoutCap = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DnsTimeoutCap = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MtuTimeoutCap = TimeSpan.FromSeconds(2);

    /// <summary>-DnsServer: resolvers to use instead of the system's ("198.51.100.56", "[2001:db8::53]:5353", names).</summary>
    public IReadOnlyList<string> DnsServers { get; init; } = Array.Empty<string>();

    /// <summary>DNS and the MX walk only.</summary>
    public bool Quick { get; init; }

    /// <summary>
    /// The longest wait for an SMTP greeting or reply and for stalled message data (-TimeoutSeconds). TCP connects
    /// wait at most 5 s, DNS probes at most 3 s, path MTU probes at most 2 s (each never more than this).
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>SMTP port of the MX hosts.</summary>
    public int Port { get; init; } = 25;

    /// <summary>MTA-STS, DANE and STARTTLS checks of the MX walk (extra trusted root from -TrustedRootCertificatePath).</summary>
    public TlsPolicy.TlsPolicyOptions TlsPolicy { get; init; } = new();

    public TimeSpan ConnectTimeout => Shorter(Timeout, ConnectTimeoutCap);

    public TimeSpan DnsTimeout => Shorter(Timeout, DnsTimeoutCap);

    public TimeSpan MtuTimeout => Shorter(Timeout, MtuTimeoutCap);

    /// <summary>The hard limit for one domain: <see cref="BudgetTimeouts"/> × <see cref="Timeout"/>.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.Zero;

    public TimeSpan EffectiveBudget => Budget > TimeSpan.Zero ? Budget : TimeSpan.FromTicks(BudgetTimeouts * Timeout.Ticks);

    /// <summary>The options as Debug-MailFlow and its CLI verb take them, validated: their one factory.</summary>
    public static MailFlowDiagnosisOptions FromParameters(IReadOnlyList<string>? dnsServers, bool quick, double timeoutSeconds, string? trustedRootCertificatePath = null)
    {
        var options = new MailFlowDiagnosisOptions
        {
            DnsServers = dnsServers ?? Array.Empty<string>(),
            Quick = quick,
            Timeout = ParameterSeconds.Convert(timeoutSeconds, IsValidTimeout, TimeoutOutOfRange),
            TlsPolicy = MxPath.MxPathOptions.TlsPolicyFromParameters(trustedRootCertificatePath),
        };
        options.Validate();
        return options;
    }

    /// <summary>Throws an invalid-invocation ValueOutOfRange error for a bad value.</summary>
    public void Validate()
    {
        if (!IsValidTimeout(Timeout))
        {
            throw TimeoutOutOfRange(ParameterSeconds.Of(Timeout));
        }

        if (Port is < 1 or > 65535)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, "The port must be 1 to 65535.", Port);
        }
    }

    private static bool IsValidTimeout(TimeSpan timeout) => timeout >= MinTimeout && timeout <= MaxTimeout;

    private static MailFlowException TimeoutOutOfRange(double seconds) =>
        MailFlowException.InvalidArgument(
            ErrorIds.ValueOutOfRange,
            string.Format(CultureInfo.InvariantCulture, "-TimeoutSeconds must be {0} to {1}; got {2}.", MinTimeoutSeconds, MaxTimeoutSeconds, seconds),
            seconds);

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
