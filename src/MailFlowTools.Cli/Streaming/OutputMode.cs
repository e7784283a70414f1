namespace MailFlowTools.Cli.Streaming;

/// <summary>How results go to standard output.</summary>
public enum OutputMode
{
    /// <summary>The readable form, one block per result.</summary>
    Text,

    /// <summary>--json: one JSON array, each element written as its result completes.</summary>
    Json,

    /// <summary>--json-lines: one compact JSON object per line.</summary>
    JsonLines,
}
