namespace MailFlowTools.Core.Dns;

public enum DnsAddressFamily
{
    IPv4,
    IPv6,
}
