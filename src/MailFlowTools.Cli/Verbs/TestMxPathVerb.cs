using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;

namespace MailFlowTools.Cli.Verbs;

[CliVerb("Test-MxPath")]
public sealed class TestMxPathVerb : CliVerb
{
    [CliParameter(Position = 0, HelpText = "Domains to test. Read from standard input (one per line) when omitted.")]
    public string[] DomainName { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "DNS servers to ask ('198.51.100.56', '[2001:db8::53]:5353' or names). Default: the system's resolvers.")]
    public string[] DnsServer { get; set; } = Array.Empty<string>();

    [CliParameter(HelpText = "Also try MAIL FROM:<> and RCPT TO this address, or this local part at each domain (e.g. postmaster). Never DATA.")]
    public string? Recipient { get; set; }

    [CliParameter(HelpText = "TCP port (default 25).")]
    public int Port { get; set; } = MxPathOptions.DefaultPort;

    [CliParameter(HelpText = "Any (IPv6 and IPv4 interleaved, IPv6 first; default), IPv4 or IPv6.")]
    public MxAddressFamily AddressFamily { get; set; } = MxAddressFamily.Any;

    [CliParameter(HelpText = "Seconds to wait for each TCP connect (default 10).")]
    public double ConnectTimeoutSeconds { get; set; } = MxPathOptions.DefaultConnectTimeoutSeconds;

    [CliParameter(HelpText = "Seconds to wait for the 220 greeting and for each later reply (default 30).")]
    public double BannerTimeoutSeconds { get; set; } = MxPathOptions.DefaultBannerTimeoutSeconds;

    [CliParameter(HelpText = "Probe every hop, not only up to the first that works.")]
    public bool AllHops { get; set; }

    [CliParameter(HelpText = "Domains tested at once (default 8).")]
    public int ThrottleLimit { get; set; } = MxPathOptions.DefaultThrottleLimit;

    [CliParameter(HelpText = "Seed for the order of equal-preference MX hosts, for repeatable runs. Default: random.")]
    public int? Seed { get; set; }

    [CliParameter(HelpText = "A root certificate file (PEM or DER) trusted for MTA-STS checks beside the platform's roots (a private or lab CA). On Linux, SSL_CERT_FILE and SSL_CERT_DIR also work.")]
    public string? TrustedRootCertificatePath { get; set; }

    [CliParameter(HelpText = "Leave out the MTA-STS, DANE and STARTTLS checks.")]
    public bool SkipTlsPolicy { get; set; }

    [CliParameter(HelpText = "Write an RFC 8460 TLS report (JSON) for the tested domains to this file.")]
    public string? TlsReportPath { get; set; }

    public override string? ResumeProperty => nameof(MxPathResult.DomainName);

    public override bool JudgesCertificates => true;

    public override async Task RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        context.PrepareOutput(typeof(MxPathResult));
        var options = MxPathOptions.FromParameters(Port, AddressFamily, ConnectTimeoutSeconds, BannerTimeoutSeconds, AllHops, Recipient, Seed, ThrottleLimit, TrustedRootCertificatePath, SkipTlsPolicy, TlsReportPath);
        MxPathEngine.Validate(options);
        var domains = DomainName.Length > 0
            ? TargetSources.From(DomainName)
            : context.InputLines("Give a domain (for example: mailflow Test-MxPath contoso.com), or pipe domains on standard input, one per line.");

        var engine = await MxPathEngine.CreateAsync(DnsServer, context.Reporter, cancellationToken);
        var batch = engine.StartBatch(options);
        var plan = new TargetPlan<NormalizedName>(async (name, emit, ct) =>
        {
            if (name.Error is not null)
            {
                throw name.Error;
            }

            emit(await batch.TestAsync(name.Domain, ct));
        })
        {
            Concurrency = options.ThrottleLimit,
            KeyOf = name => name.Error is null ? name.Domain : null,
        };

        await TargetPipeline.RunAsync(context, Normalize(domains, cancellationToken), plan, cancellationToken);
        batch.Finish(context.EmitError);
    }

    // Normalised once, as read: the key for repeats and --resume and the name the probe tests are the same string.
    private static async IAsyncEnumerable<NormalizedName> Normalize(IAsyncEnumerable<string> inputs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var input in inputs.WithCancellation(cancellationToken))
        {
            yield return MxPathInput.TryNormalize(input, out var domain, out var error) ? new NormalizedName(domain, null) : new NormalizedName(input, error);
        }
    }

    private sealed record NormalizedName(string Domain, MailFlowException? Error);
}
