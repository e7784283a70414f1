namespace MailFlowTools.Tests.Lab;

/// <summary>The lab's address plan (tests/lab/addresses.md).</summary>
public static class LabAddresses
{
    public const string ClientV4 = "192.0.2.10";
    public const string ClientV6 = "2001:db8:c::10";
    public const string RouterClientSideV4 = "192.0.2.1";
    public const string RouterClientSideV6 = "2001:db8:c::1";

    /// <summary>Knot, healthy path.</summary>
    public const string DnsHealthyV4 = "198.51.100.53";
    public const string DnsHealthyV6 = "2001:db8:5::53";

    /// <summary>Knot; UDP fragments from this address are dropped before they reach the client.</summary>
    public const string DnsFragmentDropV4 = "198.51.100.54";
    public const string DnsFragmentDropV6 = "2001:db8:5::54";

    /// <summary>Knot; TCP/53 blocked, UDP works.</summary>
    public const string DnsTcpBlockedV4 = "198.51.100.55";
    public const string DnsTcpBlockedV6 = "2001:db8:5::55";

    /// <summary>Unbound, the client's system resolver.</summary>
    public const string ResolverV4 = "198.51.100.56";
    public const string ResolverV6 = "2001:db8:5::56";

    /// <summary>Postfix, healthy (mx1.lab.test).</summary>
    public const string Mx1V4 = "198.51.100.25";
    public const string Mx1V6 = "2001:db8:5::25";

    /// <summary>Postfix behind a path that loses segments of exactly 513 and 1025 payload bytes.</summary>
    public const string SizeLossV4 = "198.51.100.26";
    public const string SizeLossV6 = "2001:db8:5::26";

    /// <summary>Postfix behind a PMTU black hole (MTU 1400, ICMP too-big dropped).</summary>
    public const string BlackHoleV4 = "198.51.100.27";
    public const string BlackHoleV6 = "2001:db8:5::27";

    /// <summary>Postfix behind the same MTU 1400 with ICMP delivered.</summary>
    public const string PmtuControlV4 = "198.51.100.28";
    public const string PmtuControlV6 = "2001:db8:5::28";

    /// <summary>Postfix behind a path that stops forwarding a flow after 64 kB.</summary>
    public const string StallV4 = "198.51.100.29";
    public const string StallV6 = "2001:db8:5::29";

    /// <summary>Completes the handshake, never sends a banner.</summary>
    public const string SilentV4 = "198.51.100.30";
    public const string SilentV6 = "2001:db8:5::30";

    /// <summary>SMTP fixup box (masked banner) in front of mx1.</summary>
    public const string FixupV4 = "198.51.100.31";

    /// <summary>Nothing listens: connection refused.</summary>
    public const string RefusedV4 = "198.51.100.32";

    /// <summary>Never answers (dropped by the router).</summary>
    public const string DeadV4 = "198.51.100.33";
    public const string DeadV6 = "2001:db8:5::33";

    /// <summary>The distant MX: a relay to mx1 that holds every chunk for the WAN delay each way (tests/lab/wan.c).</summary>
    public const string DistantV4 = "198.51.100.35";
    public const string DistantV6 = "2001:db8:5::35";

    /// <summary>Postfix on an AAAA-only host.</summary>
    public const string V6OnlyHost = "2001:db8:5::40";

    /// <summary>Route MTU towards the black-hole and control hosts.</summary>
    public const int PathMtu = 1400;

    /// <summary>Bytes a flow to the stall host may carry (original direction, headers included).</summary>
    public const int StallBytes = 65536;
}
