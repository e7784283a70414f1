namespace MailFlowTools.Tests.Robustness;

/// <summary>
/// One StopProcessing measurement: how long the probe had been running, how long Stop took to return control to
/// the pipeline thread (PipelineDispatcher.Run throwing), and how long until the engine's task itself had ended
/// (its sockets closed), with how the engine ended (null: it never reached the stalled peer or did not end) and
/// how PipelineDispatcher.Run ended on the pipeline thread.
/// </summary>
internal sealed record StopMeasurement(double InProbeMs, double PipelineReturnMs, double EngineEndMs, string? EngineEnd, string PipelineEnd);
