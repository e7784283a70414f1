namespace MailFlowTools.Core.Dns;

public sealed class DnsSoaData : DnsRecordData
{
    public DnsSoaData(string primaryServer, string responsibleMailbox, uint serial, uint refresh, uint retry, uint expire, uint minimum)
    {
        PrimaryServer = primaryServer;
        ResponsibleMailbox = responsibleMailbox;
        Serial = serial;
        Refresh = refresh;
        Retry = retry;
        Expire = expire;
        Minimum = minimum;
    }

    public string PrimaryServer { get; }

    public string ResponsibleMailbox { get; }

    public uint Serial { get; }

    public uint Refresh { get; }

    public uint Retry { get; }

    public uint Expire { get; }

    /// <summary>The negative-caching TTL (RFC 2308).</summary>
    public uint Minimum { get; }

    public override string ToString() => PrimaryServer + " " + ResponsibleMailbox + " " + Serial;
}
