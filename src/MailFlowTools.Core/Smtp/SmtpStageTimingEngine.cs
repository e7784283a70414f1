using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Get-SmtpStageTiming's entry point: validates the options, resolves the host, runs one <see cref="SmtpSession"/>
/// and makes sure nothing that leaves carries the credential. Each stage reports the time taken, the reply, and the
/// bytes sent, acknowledged and retransmitted (TCP_INFO). Never completes a message unless
/// <see cref="SmtpStageTimingOptions.Deliver"/>: by default the connection is dropped inside DATA, before the final ".".
/// </summary>
public static class SmtpStageTimingEngine
{
    /// <summary>
    /// Runs the session. <paramref name="onStage"/> sees each stage as soon as it ends. Throws
    /// <see cref="MailFlowException"/> only when the session cannot start (bad options, unknown host), and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (Ctrl+C) fires.
    /// </summary>
    public static async Task<IReadOnlyList<SmtpStageResult>> RunAsync(SmtpStageTimingOptions options, IEngineReporter reporter, Action<SmtpStageResult>? onStage, CancellationToken cancellationToken)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        options.Validate();
        var session = new SmtpSession(options, reporter, onStage);
        try
        {
            var name = options.Address ?? options.ComputerName;
            var addresses = await HostResolver.ResolveAsync(name, options.Timeouts.Connect, cancellationToken);
            if (addresses.Count > 1)
            {
                (reporter ?? NullEngineReporter.Instance).Verbose($"'{name.Trim()}' has {addresses.Count} addresses; using {addresses[0]} (give -ComputerName an address to choose).");
            }

            await session.RunAsync(new System.Net.IPEndPoint(addresses[0], options.Port), cancellationToken);
        }
        catch (Exception ex) when (session.Secrets.Contains(ex))
        {
            // Nothing that leaves the engine may carry the credential, whatever the server sent back.
            throw Sanitize(ex, session.Secrets);
        }

        return session.Results;
    }

    /// <summary>Kept for callers that validate ahead of a run; the options validate themselves.</summary>
    public static void Validate(SmtpStageTimingOptions options) => options.Validate();

    internal static SmtpStageOutcome OutcomeFor(SmtpReply reply, int expectedClass) => SmtpSession.OutcomeFor(reply, expectedClass);

    private static Exception Sanitize(Exception ex, SecretRedactor secrets) => ex switch
    {
        MailFlowException mfe => new MailFlowException(mfe.ErrorId, mfe.Category, secrets.Scrub(mfe.Message)!, ErrorReport.SafeTarget(mfe.Target, secrets), mfe.IsInvalidInvocation),
        OperationCanceledException oce => new OperationCanceledException(secrets.Scrub(oce.Message), oce.CancellationToken),
        _ => new MailFlowException(ErrorIds.ProbeFailed, MailFlowErrorCategory.NotSpecified, ex.GetType().Name + ": " + secrets.Scrub(ex.Message)),
    };
}
