using System;
using System.Globalization;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Core.MxPath;

/// <summary>How Test-MxPath walks each domain.</summary>
public sealed record MxPathOptions
{
    public const int DefaultPort = 25;
    public const double DefaultConnectTimeoutSeconds = 10;
    public const double DefaultBannerTimeoutSeconds = 30;
    public const int DefaultThrottleLimit = 8;
    public const int MinPort = 1;
    public const int MaxPort = 65535;
    public const int MinThrottleLimit = 1;
    public const int MaxThrottleLimit = 256;
    public const double MaxTimeoutSeconds = 600;

    /// <summary>
    /// The options from the cmdlet's (and the CLI verb's) parameters; throws an invalid-invocation error for
    /// values out of range.
    /// </summary>
    public static MxPathOptions FromParameters(int port, MxAddressFamily addressFamily, double connectTimeoutSeconds, double bannerTimeoutSeconds, bool allHops, string? recipient, int? seed, int throttleLimit, string? trustedRootCertificatePath = null, bool skipTlsPolicy = false, string? tlsReportPath = null)
    {
        var options = new MxPathOptions
        {
            Port = port,
            AddressFamily = addressFamily,
            ConnectTimeout = Seconds(connectTimeoutSeconds, "ConnectTimeoutSeconds"),
            BannerTimeout = Seconds(bannerTimeoutSeconds, "BannerTimeoutSeconds"),
            AllHops = allHops,
            Recipient = MxPathInput.NormalizeRecipient(recipient),
            Seed = seed,
            ThrottleLimit = throttleLimit,
            TlsPolicy = skipTlsPolicy ? null : TlsPolicyFromParameters(trustedRootCertificatePath),
            TlsReportPath = TlsReport.ValidatePath(tlsReportPath, "TlsReportPath"),
        };
        MxPathEngine.Validate(options);
        return options;
    }

    public int Port { get; init; } = DefaultPort;

    public MxAddressFamily AddressFamily { get; init; } = MxAddressFamily.Any;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(DefaultConnectTimeoutSeconds);

    /// <summary>Wait for the 220 greeting; also bounds each later reply.</summary>
    public TimeSpan BannerTimeout { get; init; } = TimeSpan.FromSeconds(DefaultBannerTimeoutSeconds);

    /// <summary>Probe every hop instead of stopping at the first that works.</summary>
    public bool AllHops { get; init; }

    /// <summary>When set, MAIL FROM:&lt;&gt; and RCPT TO are tried at each hop; never DATA.</summary>
    public string? Recipient { get; init; }

    /// <summary>Seed for the order of equal preferences; null for random.</summary>
    public int? Seed { get; init; }

    /// <summary>Domains tested at once by <see cref="MxPathEngine.RunAsync"/>.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    /// <summary>
    /// When a hop has neither succeeded nor failed after this long, the next hop starts in parallel
    /// (RFC 8305's connection attempt delay). The verdict still follows the walk order.
    /// </summary>
    public TimeSpan StaggerDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Hops probed at once within one domain.</summary>
    public int MaxParallelHops { get; init; } = 4;

    /// <summary>Addresses walked per domain at most (the rest are listed as NotTried).</summary>
    public int MaxHops { get; init; } = 32;

    /// <summary>Ports tried with a bare connect when every hop timed out on <see cref="Port"/>.</summary>
    public int[] ControlPorts { get; init; } = { 443, 587 };

    /// <summary>
    /// MTA-STS, DANE and STARTTLS checks; null skips them (-SkipTlsPolicy). The extra root, if any, is read and
    /// checked here, once.
    /// </summary>
    public TlsPolicyOptions? TlsPolicy { get; init; } = new();

    /// <summary>Where to write an RFC 8460 TLS report (JSON) for the tested domains; null for none.</summary>
    public string? TlsReportPath { get; init; }

    public static TlsPolicyOptions TlsPolicyFromParameters(string? trustedRootCertificatePath) =>
        string.IsNullOrWhiteSpace(trustedRootCertificatePath)
            ? new TlsPolicyOptions()
            : new TlsPolicyOptions { TrustedRoots = TrustedRootFile.Load(trustedRootCertificatePath!, "TrustedRootCertificatePath"), TrustedRootSource = trustedRootCertificatePath };

    private static TimeSpan Seconds(double value, string parameter)
    {
        if (double.IsNaN(value) || value <= 0 || value > MaxTimeoutSeconds)
        {
            throw new MailFlowException(ErrorIds.ValueOutOfRange, MailFlowErrorCategory.InvalidArgument, $"-{parameter} must be more than 0 and at most {MaxTimeoutSeconds}; got {value.ToString(CultureInfo.InvariantCulture)}.", parameter + "=" + value.ToString(CultureInfo.InvariantCulture), isInvalidInvocation: true);
        }

        return TimeSpan.FromSeconds(value);
    }
}
