namespace MailFlowTools.Core.Dns;

/// <summary>The decoded RDATA of a record; the concrete type depends on the record type.</summary>
public abstract class DnsRecordData
{
}
