namespace MailFlowTools.Core.Dns;

public sealed class DnsMxData : DnsRecordData
{
    public DnsMxData(ushort preference, string exchange)
    {
        Preference = preference;
        Exchange = exchange;
    }

    public ushort Preference { get; }

    /// <summary>Host name in presentation form without the trailing dot; "." is the root (null MX).</summary>
    public string Exchange { get; }

    public override string ToString() => Preference + " " + Exchange;
}
