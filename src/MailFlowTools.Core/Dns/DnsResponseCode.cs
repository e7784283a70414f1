namespace MailFlowTools.Core.Dns;

/// <summary>RCODE, including the EDNS extended values (the OPT record supplies the upper 8 bits).</summary>
public enum DnsResponseCode
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
    YxDomain = 6,
    YxRrSet = 7,
    NxRrSet = 8,
    NotAuth = 9,
    NotZone = 10,
    BadVers = 16,
    BadCookie = 23,
}
