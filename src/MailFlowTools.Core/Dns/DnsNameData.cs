namespace MailFlowTools.Core.Dns;

/// <summary>NS, CNAME and PTR: a single domain name.</summary>
public sealed class DnsNameData : DnsRecordData
{
    public DnsNameData(string target)
    {
        Target = target;
    }

    public string Target { get; }

    public override string ToString() => Target;
}
