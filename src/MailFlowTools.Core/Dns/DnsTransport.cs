namespace MailFlowTools.Core.Dns;

public enum DnsTransport
{
    Udp,
    Tcp,
}
