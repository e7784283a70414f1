namespace MailFlowTools.Core.PathMtu;

/// <summary>One connection of the envelope sweep.</summary>
internal sealed class SweepAttemptResult
{
    public int PayloadSize { get; init; }

    public int Attempt { get; init; }

    /// <summary>Every reply to the write came back.</summary>
    public bool Completed { get; init; }

    /// <summary>The attempt never got to the write (connect, banner or EHLO failed): says nothing about the size.</summary>
    public bool CouldNotRun { get; init; }

    public int Commands { get; init; }

    public int RepliesReceived { get; init; }

    public double? ReplyMs { get; init; }

    public string? Detail { get; init; }

    public SweepWriteMethod Method { get; init; }

    /// <summary>The server ended the session at one of its own limits (a 421/554 close, "too many …"): says nothing about the size.</summary>
    public bool ServerLimit { get; init; }
}
