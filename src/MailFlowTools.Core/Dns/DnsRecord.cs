namespace MailFlowTools.Core.Dns;

/// <summary>One resource record of the answer, authority or additional section (OPT is kept apart).</summary>
public sealed class DnsRecord
{
    public DnsRecord(string name, DnsRecordType type, DnsRecordClass recordClass, uint ttl, DnsRecordData data, int rdataLength = -1)
    {
        Name = name;
        Type = type;
        Class = recordClass;
        Ttl = ttl;
        Data = data;
        RDataLength = rdataLength;
    }

    public string Name { get; }

    public DnsRecordType Type { get; }

    public DnsRecordClass Class { get; }

    public uint Ttl { get; }

    public DnsRecordData Data { get; }

    /// <summary>RDATA length on the wire as received; -1 for records built in code.</summary>
    public int RDataLength { get; }

    public override string ToString() => Name + " " + Ttl + " " + Class + " " + Type + " " + Data;
}
