namespace MailFlowTools.Core.Dns;

public enum DnsRecordClass : ushort
{
    IN = 1,
    CH = 3,
    HS = 4,
    None = 254,
    Any = 255,
}
