using MailFlowTools.Core.Execution;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Tests.Robustness;

/// <summary>What AsyncCmdlet does with engine reports: posts each one to the pipeline thread through the dispatcher.</summary>
internal sealed class DispatcherReporter : IEngineReporter
{
    private readonly PipelineDispatcher _dispatcher;

    public DispatcherReporter(PipelineDispatcher dispatcher) => _dispatcher = dispatcher;

    public int Posted { get; private set; }

    public void Progress(EngineProgress progress) => _dispatcher.Post(() => Posted++);

    public void Transcript(TranscriptEntry entry) => _dispatcher.Post(() => Posted++);

    public void Warning(string message) => _dispatcher.Post(() => Posted++);

    public void Verbose(string message) => _dispatcher.Post(() => Posted++);
}
