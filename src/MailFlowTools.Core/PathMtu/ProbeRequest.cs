namespace MailFlowTools.Core.PathMtu;

/// <summary>One probe the search wants sent: a size and which attempt of that size it is.</summary>
internal readonly struct ProbeRequest
{
    public ProbeRequest(int size, int attempt, int round)
    {
        Size = size;
        Attempt = attempt;
        Round = round;
    }

    /// <summary>IP packet size in bytes.</summary>
    public int Size { get; }

    public int Attempt { get; }

    public int Round { get; }

    public override string ToString() => Size + "#" + Attempt;
}
