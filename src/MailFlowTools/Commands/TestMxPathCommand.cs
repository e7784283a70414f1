using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Transformations;

namespace MailFlowTools.Commands;

/// <summary>
/// Would a compliant sender get mail into these domains, and through which MX? Resolves the MX set (RFC 5321
/// §5.1), walks the hosts and addresses in sender order (connect, 220, EHLO, STARTTLS, optionally MAIL/RCPT;
/// never DATA) and reports every hop, the hop mail goes to, and findings. Domains are tested as they come down the
/// pipeline, up to -ThrottleLimit at once through a small bounded queue (a fast producer waits for room); results
/// come out as they complete, during later input and at the end.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MxPath")]
[OutputType(typeof(MxPathResult))]
public sealed class TestMxPathCommand : AsyncCmdlet
{
    private const string Activity = "Test-MxPath";

    // Names already queued, so a name given twice is tested once (names are small; results are not kept).
    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);
    private MxPathBatch? _batch;
    private Channel<string>? _queue;
    private Task? _workers;
    private long _queued;
    private long _done;

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

    protected override async Task BeginProcessingAsync(CancellationToken cancellationToken)
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
        _batch = engine.StartBatch(options);
        var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(2 * options.ThrottleLimit) { SingleWriter = true });
        _queue = queue;
        _workers = StartBackground(token => Task.WhenAll(Enumerable.Range(0, options.ThrottleLimit).Select(_ => Task.Run(() => WorkAsync(queue.Reader, token)))));

        // Workers that end early (a bug) close the queue, so ProcessRecord does not wait for room that never comes.
        _ = _workers.ContinueWith(t => queue.Writer.TryComplete(t.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    protected override async Task ProcessRecordAsync(CancellationToken cancellationToken)
    {
        // BeginProcessing could not run the test (no DNS server here): it said so once; the input is not tested.
        if (_queue is null)
        {
            return;
        }

        foreach (var input in DomainName)
        {
            if (!MxPathInput.TryNormalize(input, out var domain, out var error))
            {
                EmitError(error!);
            }
            else if (!_seen.Add(domain))
            {
                Reporter.Verbose(domain + ": given more than once; tested once.");
            }
            else
            {
                _queued++;
                try
                {
                    // Waits (while earlier results are written) when every worker is busy and the queue is full.
                    await _queue.Writer.WriteAsync(domain, cancellationToken);
                }
                catch (ChannelClosedException)
                {
                    await _workers!;
                    throw;
                }
            }
        }
    }

    protected override async Task EndProcessingAsync(CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return;
        }

        _queue.Writer.TryComplete();
        try
        {
            await _workers!;
        }
        finally
        {
            Reporter.Progress(new EngineProgress(MxPathEngine.ProgressActivityId, Activity, F("{0} of {1} domains", Volatile.Read(ref _done), _queued), 100, completed: true));
        }

        _batch!.Finish(EmitError);
    }

    private async Task WorkAsync(ChannelReader<string> queue, CancellationToken cancellationToken)
    {
        // WaitToReadAsync and TryRead, not ReadAllAsync: the netstandard2.0 build (Windows PowerShell) has no ReadAllAsync.
        while (await queue.WaitToReadAsync(cancellationToken))
        {
            if (!queue.TryRead(out var domain))
            {
                continue;
            }

            try
            {
                Emit(await _batch!.TestAsync(domain, cancellationToken));
            }
            catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
            {
                EmitError(ex);
            }

            // The total is unknown while input still comes: no percentage.
            var done = Interlocked.Increment(ref _done);
            Reporter.Progress(new EngineProgress(MxPathEngine.ProgressActivityId, Activity, F("{0} domains tested (last: {1})", done, domain), -1));
        }
    }

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
