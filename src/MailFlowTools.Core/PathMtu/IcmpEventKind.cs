namespace MailFlowTools.Core.PathMtu;

internal enum IcmpEventKind
{
    Other,
    EchoRequest,
    EchoReply,

    /// <summary>IPv4 type 3 code 4 (fragmentation needed and DF set) or ICMPv6 type 2 (packet too big).</summary>
    TooBig,

    /// <summary>Destination unreachable (other codes), parameter problem.</summary>
    Unreachable,

    TimeExceeded,
}
