using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Transformations;

namespace MailFlowTools.Commands;

/// <summary>
/// Would a compliant sender get mail into these domains, and through which MX? Resolves the MX set (RFC 5321
/// §5.1), walks the hosts and addresses in sender order (connect, 220, EHLO, STARTTLS, optionally MAIL/RCPT;
/// never DATA) and reports every hop, the hop mail goes to, and findings. Domains are collected from the
/// pipeline and tested up to -ThrottleLimit at once when the input ends; results come out as they complete.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MxPath")]
[OutputType(typeof(MxPathResult))]
public sealed class TestMxPathCommand : AsyncCmdlet
{
    private readonly List<string> _domains = new();

    /// <summary>
    /// Domains to test. Get-AcceptedDomain (DomainName), Get-Queue (NextHopDomain) and Get-SendConnector
    /// (AddressSpaces, ahead of the connector's Name) objects bind directly.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NextHopDomain", "AddressSpaces", "Domain", "Name")]
    [MailDomainTransformation]
    [ValidateNotNullOrEmpty]
    public string[] DomainName { get; set; } = Array.Empty<string>();

    /// <summary>DNS servers to ask ("198.51.100.56", "[2001:db8::53]:5353", or names); default: the system's resolvers.</summary>
    [Parameter]
    [Alias("Server")]
    public string[] DnsServer { get; set; } = Array.Empty<string>();

    /// <summary>Also try MAIL FROM:&lt;&gt; and RCPT TO this address (or this local part at each domain); never DATA.</summary>
    [Parameter]
    public string? Recipient { get; set; }

    [Parameter]
    [ValidateRange(MxPathOptions.MinPort, MxPathOptions.MaxPort)]
    public int Port { get; set; } = MxPathOptions.DefaultPort;

    /// <summary>Any (IPv6 and IPv4 interleaved, IPv6 first), IPv4 or IPv6.</summary>
    [Parameter]
    public MxAddressFamily AddressFamily { get; set; } = MxAddressFamily.Any;

    [Parameter]
    public double ConnectTimeoutSeconds { get; set; } = MxPathOptions.DefaultConnectTimeoutSeconds;

    /// <summary>How long to wait for the 220 greeting, and for each later reply.</summary>
    [Parameter]
    public double BannerTimeoutSeconds { get; set; } = MxPathOptions.DefaultBannerTimeoutSeconds;

    /// <summary>Probe every hop, not only up to the first that works.</summary>
    [Parameter]
    public SwitchParameter AllHops { get; set; }

    /// <summary>Domains tested at once.</summary>
    [Parameter]
    [ValidateRange(MxPathOptions.MinThrottleLimit, MxPathOptions.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; } = MxPathOptions.DefaultThrottleLimit;

    /// <summary>Seed for the order of equal-preference MX hosts, for repeatable runs; default: random.</summary>
    [Parameter]
    public int Seed { get; set; }

    /// <summary>
    /// A root certificate file (PEM or DER) trusted for MTA-STS checks beside the platform's roots, for a private CA
    /// such as a lab's. The platform's own checks are unchanged; on Linux, SSL_CERT_FILE and SSL_CERT_DIR also work.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustedRootCertificatePath { get; set; }

    /// <summary>Leave out the MTA-STS, DANE and STARTTLS checks (no _mta-sts, policy or TLSA lookups).</summary>
    [Parameter]
    public SwitchParameter SkipTlsPolicy { get; set; }

    /// <summary>Write an RFC 8460 TLS report (JSON) for the tested domains to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TlsReportPath { get; set; }

    protected override Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        _domains.AddRange(DomainName);
        return Task.CompletedTask;
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        var options = MxPathOptions.FromParameters(
            Port,
            AddressFamily,
            ConnectTimeoutSeconds,
            BannerTimeoutSeconds,
            AllHops.IsPresent,
            Recipient,
            MyInvocation.BoundParameters.ContainsKey(nameof(Seed)) ? Seed : null,
            ThrottleLimit,
            TrustedRootCertificatePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TrustedRootCertificatePath),
            SkipTlsPolicy.IsPresent,
            TlsReportPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TlsReportPath));
        var engine = await MxPathEngine.CreateAsync(DnsServer, Reporter, cancellationToken);
        await engine.RunAsync(_domains, options, Emit, EmitError, cancellationToken);
    }
}
