namespace MailFlowTools.Core.Dns;

/// <summary>Record types this engine knows by name. Any other 16-bit value can still be cast and is kept raw.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum DnsRecordType : long
{
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    OPT = 41,
    DS = 43,
    RRSIG = 46,
    NSEC = 47,
    DNSKEY = 48,
    NSEC3 = 50,
    NSEC3PARAM = 51,
    TLSA = 52,
    ANY = 255,
}
