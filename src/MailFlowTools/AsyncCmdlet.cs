using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Execution;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools;

/// <summary>
/// Base for every MailFlowTools cmdlet. Engine work runs on the thread pool; every write is posted back to the
/// pipeline thread through <see cref="PipelineDispatcher"/>. StopProcessing (Ctrl+C) cancels the work.
/// Engines report through <see cref="IEngineReporter"/>, which this class implements.
/// </summary>
public abstract class AsyncCmdlet : PSCmdlet, IEngineReporter, IDisposable
{
    private readonly PipelineDispatcher _dispatcher = new();

    // Results of a long stream (a whole mail log) waiting for the pipeline; the reader waits beyond this many.
    private readonly SemaphoreSlim _queuedResults = new(1024);

    /// <summary>Secrets (a credential's forms) masked in everything this cmdlet writes: verbose, warnings, error records.</summary>
    protected SecretRedactor Secrets { get; set; } = SecretRedactor.None;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken StopToken => _dispatcher.StopToken;

    public void Dispose()
    {
        _dispatcher.Dispose();
        _queuedResults.Dispose();
        GC.SuppressFinalize(this);
    }

    // IEngineReporter: safe from any thread.
    void IEngineReporter.Progress(EngineProgress progress) => WriteProgressFromAnyThread(progress, progress.ActivityId, parentActivityId: -1);

    /// <summary>
    /// Writes an engine's progress under <paramref name="activityId"/>, nested under <paramref name="parentActivityId"/>
    /// (-1: a top-level bar), from any thread. Lets a cmdlet that drives several engines give each its own bar.
    /// </summary>
    internal void WriteProgressFromAnyThread(EngineProgress progress, int activityId, int parentActivityId) => _dispatcher.Post(() =>
    {
        var record = new ProgressRecord(activityId, Secrets.Scrub(progress.Activity), string.IsNullOrEmpty(progress.Status) ? " " : Secrets.Scrub(progress.Status))
        {
            ParentActivityId = parentActivityId,
            PercentComplete = progress.PercentComplete,
            RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        WriteProgress(record);
    });

    void IEngineReporter.Transcript(TranscriptEntry entry) => _dispatcher.Post(() => WriteVerbose(Secrets.Scrub(entry.ToString())));

    void IEngineReporter.Warning(string message) => _dispatcher.Post(() => WriteWarning(Secrets.Scrub(message)));

    void IEngineReporter.Verbose(string message) => _dispatcher.Post(() => WriteVerbose(Secrets.Scrub(message)));

    /// <summary>This cmdlet as the engines' reporter.</summary>
    protected IEngineReporter Reporter => this;

    protected sealed override void BeginProcessing() => RunOnPipeline(BeginProcessingAsync);

    protected sealed override void ProcessRecord() => RunOnPipeline(ProcessRecordAsync);

    protected sealed override void EndProcessing() => RunOnPipeline(EndProcessingAsync);

    protected sealed override void StopProcessing() => _dispatcher.Stop();

    protected virtual Task BeginProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task ProcessRecordAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task EndProcessingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Write a result from any thread.</summary>
    protected void Emit(object result) => _dispatcher.Post(() => WriteObject(result));

    /// <summary>"Could not run the test" for one input, from any thread; the pipeline goes on.</summary>
    /// <summary>Emit from a long stream: waits while 1,024 results are still queued, so memory stays bounded.</summary>
    protected void EmitThrottled(object result, CancellationToken cancellationToken)
    {
        _queuedResults.Wait(cancellationToken);
        _dispatcher.Post(() =>
        {
            try
            {
                WriteObject(result);
            }
            finally
            {
                _queuedResults.Release();
            }
        });
    }

    /// <summary>
    /// Starts work that outlives this call (workers fed by ProcessRecord): what it emits is kept, in a bounded queue
    /// that makes it wait when full, and written during the next ProcessRecord or EndProcessing. Stopping cancels it.
    /// </summary>
    protected Task StartBackground(Func<CancellationToken, Task> work) => _dispatcher.StartKept(work);

    protected void EmitError(MailFlowException exception) => _dispatcher.Post(() => WriteError(ToErrorRecord(exception)));

    private void RunOnPipeline(Func<CancellationToken, Task> work)
    {
        try
        {
            _dispatcher.Run(work);
        }
        catch (MailFlowException ex) when (ex.IsInvalidInvocation)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
        }
        catch (MailFlowException ex)
        {
            WriteError(ToErrorRecord(ex));
        }
        catch (OperationCanceledException) when (_dispatcher.IsStopping)
        {
            throw new PipelineStoppedException();
        }
    }

    private ErrorRecord ToErrorRecord(MailFlowException ex)
    {
        // The shared, tested helper decides what an error may show (no secret in message, target or inner exception).
        var safe = ErrorReport.ForDisplay(ex, Secrets);
        return new ErrorRecord(safe, safe.ErrorId, MapCategory(safe.Category), safe.Target);
    }

    private static ErrorCategory MapCategory(MailFlowErrorCategory category) => category switch
    {
        MailFlowErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        MailFlowErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        MailFlowErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        MailFlowErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
        MailFlowErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        MailFlowErrorCategory.InvalidData => ErrorCategory.InvalidData,
        MailFlowErrorCategory.NotInstalled => ErrorCategory.NotInstalled,
        MailFlowErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };
}
