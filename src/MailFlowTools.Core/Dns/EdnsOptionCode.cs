namespace MailFlowTools.Core.Dns;

/// <summary>EDNS option codes this engine names (RFC 6891 registry). Others are kept by number.</summary>
public enum EdnsOptionCode : ushort
{
    Nsid = 3,
    ClientSubnet = 8,
    Expire = 9,
    Cookie = 10,
    TcpKeepalive = 11,
    Padding = 12,
}
