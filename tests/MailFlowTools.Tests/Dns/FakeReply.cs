namespace MailFlowTools.Tests.Dns;

/// <summary>Bytes a fake or hostile DNS server sends back for one query.</summary>
internal sealed class FakeReply
{
    public FakeReply(byte[] data)
    {
        Data = data;
    }

    public byte[] Data { get; }

    /// <summary>UDP: send from a second socket (another port, or <see cref="FakeDnsServer.AlternateSource"/>).</summary>
    public bool FromOtherSource { get; init; }

    /// <summary>TCP: prefix the 2-byte length (false writes <see cref="Data"/> as it is).</summary>
    public bool Framed { get; init; } = true;

    public int DelayMs { get; init; }

    /// <summary>TCP: close the connection after this reply.</summary>
    public bool CloseAfter { get; init; }

    /// <summary>Send this many copies.</summary>
    public int Copies { get; init; } = 1;
}
