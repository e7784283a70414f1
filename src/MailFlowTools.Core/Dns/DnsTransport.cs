namespace MailFlowTools.Core.Dns;

// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum DnsTransport : long
{
    Udp,
    Tcp,
}
