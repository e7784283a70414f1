using System.Net;

namespace MailFlowTools.Core.Dns;

/// <summary>A or AAAA.</summary>
public sealed class DnsAddressData : DnsRecordData
{
    public DnsAddressData(IPAddress address)
    {
        Address = address;
    }

    public IPAddress Address { get; }

    public override string ToString() => Address.ToString();
}
