using System.Net;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// A parsed ICMP/ICMPv6 message as far as the prober cares: for echo replies the identifier and sequence,
/// for errors the ones quoted from our echo request inside it, plus the reported MTU.
/// </summary>
internal readonly struct IcmpEvent
{
    public IcmpEvent(IcmpEventKind kind, byte type, byte code, ushort identifier, ushort sequence, int? mtu, IPAddress? source, IPAddress? innerDestination)
    {
        Kind = kind;
        Type = type;
        Code = code;
        Identifier = identifier;
        Sequence = sequence;
        Mtu = mtu;
        Source = source;
        InnerDestination = innerDestination;
    }

    public IcmpEventKind Kind { get; }

    public byte Type { get; }

    public byte Code { get; }

    /// <summary>The echo identifier (of the reply, or quoted in the error).</summary>
    public ushort Identifier { get; }

    public ushort Sequence { get; }

    /// <summary>Next-hop MTU of a "too big" error; null when the router left it zero.</summary>
    public int? Mtu { get; }

    /// <summary>Sender of the message (the outer source address), when the parser saw it.</summary>
    public IPAddress? Source { get; }

    /// <summary>Destination of the quoted packet: whom our probe was for.</summary>
    public IPAddress? InnerDestination { get; }

    public bool IsError => Kind is IcmpEventKind.TooBig or IcmpEventKind.Unreachable or IcmpEventKind.TimeExceeded;
}
