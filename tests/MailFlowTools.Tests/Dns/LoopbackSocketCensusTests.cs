using System;
using System.Net;
using System.Net.Sockets;

namespace MailFlowTools.Tests.Dns;

/// <summary>The leak check in the hostile-peer tests must see a socket the engine would leave open.</summary>
public sealed class LoopbackSocketCensusTests
{
    [Fact]
    public void A_socket_opened_after_the_census_is_seen_until_it_is_closed()
    {
        Assert.SkipUnless(LoopbackSocketCensus.Supported, "The census reads /proc/self/fd (Linux).");
        var before = LoopbackSocketCensus.Take();
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        using (var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            listener.Start();
            udp.SendTo(new byte[] { 0 }, listener.LocalEndpoint);
            var open = LoopbackSocketCensus.NewSince(before);
            Assert.Contains(open, s => s.StartsWith("udp ", StringComparison.Ordinal));
            Assert.Contains(open, s => s.StartsWith("tcp ", StringComparison.Ordinal));
        }

        Assert.Empty(LoopbackSocketCensus.NewSince(before));
    }
}
