namespace MailFlowTools.Core.PathMtu;

/// <summary>One TCP payload size of the envelope-phase sweep: every attempt wrote exactly this many bytes in one piece.</summary>
public sealed class PayloadSweepEntry
{
    /// <summary>TCP payload bytes written in one write after EHLO.</summary>
    public int PayloadSize { get; init; }

    public int Attempts { get; init; }

    /// <summary>Attempts where not every reply came back within the wait.</summary>
    public int Failures { get; init; }

    /// <summary>True when every attempt failed: deterministic loss of this size.</summary>
    public bool Failed { get; init; }

    /// <summary>True when some attempts failed and some passed: random loss, not size-specific.</summary>
    public bool Intermittent { get; init; }

    /// <summary>SMTP commands in the write (each owes one reply).</summary>
    public int Commands { get; init; }

    /// <summary>Replies received on the last failed attempt (or the passing one): how far the server got.</summary>
    public int RepliesReceived { get; init; }

    /// <summary>Time from the write to the last reply on a passing attempt.</summary>
    public double? ReplyMs { get; init; }

    public string? Detail { get; init; }

    /// <summary>Passed, Lost, Intermittent, or Inconclusive when no attempt measured the size (never a pass).</summary>
    public SweepOutcome Outcome { get; init; }

    /// <summary>How the writes of this size were produced: pipelined envelope, or one padded command.</summary>
    public SweepWriteMethod Method { get; init; }

    public override string ToString() => PayloadSize.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + Outcome.ToString().ToLowerInvariant();
}
