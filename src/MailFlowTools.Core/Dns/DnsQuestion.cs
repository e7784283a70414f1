namespace MailFlowTools.Core.Dns;

public sealed class DnsQuestion
{
    public DnsQuestion(string name, DnsRecordType type, DnsRecordClass recordClass = DnsRecordClass.IN)
    {
        Name = name;
        Type = type;
        Class = recordClass;
    }

    /// <summary>Presentation form without the trailing dot ("." for the root).</summary>
    public string Name { get; }

    public DnsRecordType Type { get; }

    public DnsRecordClass Class { get; }

    /// <summary>Same name (ASCII case-insensitive), type and class.</summary>
    public bool Matches(DnsQuestion other) =>
        other is not null && Type == other.Type && Class == other.Class && DnsName.Equal(Name, other.Name);

    public override string ToString() => Name + " " + Class + " " + Type;
}
