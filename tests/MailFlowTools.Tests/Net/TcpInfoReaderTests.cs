using System;
using System.Net;
using System.Net.Sockets;
using MailFlowTools.Core.Net;

namespace MailFlowTools.Tests.Net;

public sealed class TcpInfoReaderTests
{
    [Fact]
    public void ParsesLinuxTcpInfoLayout()
    {
        var b = new byte[232];
        b[0] = 1; // ESTABLISHED
        b[2] = 3; // retransmits
        b[4] = 2; // backoff
        BitConverter.GetBytes(204000u).CopyTo(b, 8); // rto
        BitConverter.GetBytes(1448u).CopyTo(b, 16); // snd_mss
        BitConverter.GetBytes(29u).CopyTo(b, 24); // unacked
        BitConverter.GetBytes(1500u).CopyTo(b, 60); // pmtu
        BitConverter.GetBytes(1234u).CopyTo(b, 68); // rtt
        BitConverter.GetBytes(7u).CopyTo(b, 100); // total_retrans
        BitConverter.GetBytes(62254UL).CopyTo(b, 120); // bytes_acked
        BitConverter.GetBytes(3000UL).CopyTo(b, 128); // bytes_received
        BitConverter.GetBytes(100u).CopyTo(b, 144); // notsent_bytes
        BitConverter.GetBytes(110000UL).CopyTo(b, 200); // bytes_sent
        BitConverter.GetBytes(9000UL).CopyTo(b, 208); // bytes_retrans

        var s = TcpInfoReader.ParseLinux(b, b.Length, 42);
        Assert.True(s.IsAvailable);
        Assert.Equal(1, s.State);
        Assert.Equal(3, s.Retransmits);
        Assert.Equal(2, s.Backoff);
        Assert.Equal(204000, s.RetransmitTimeoutMicroseconds);
        Assert.Equal(1448, s.SendMss);
        Assert.Equal(29, s.UnackedSegments);
        Assert.Equal(1500, s.PathMtu);
        Assert.Equal(1234, s.RttMicroseconds);
        Assert.Equal(7, s.TotalRetransmits);
        Assert.Equal(62254, s.BytesAcked);
        Assert.Equal(3000, s.BytesReceived);
        Assert.Equal(100, s.NotSentBytes);
        Assert.Equal(110000, s.BytesSent);
        Assert.Equal(9000, s.BytesRetransmitted);
    }

    [Fact]
    public void OlderKernelsLeaveNewerFieldsEmpty()
    {
        // A 4.0 kernel returns 104 bytes: no bytes_acked, no bytes_sent.
        var s = TcpInfoReader.ParseLinux(new byte[256], 104, 0);
        Assert.True(s.IsAvailable);
        Assert.Null(s.BytesAcked);
        Assert.Null(s.BytesSent);
        Assert.Null(s.NotSentBytes);
        Assert.False(TcpInfoReader.ParseLinux(new byte[256], 50, 0).IsAvailable);
    }

    [Fact]
    public void ReadsALiveLoopbackConnection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        using var server = listener.AcceptSocket();
        client.Send(new byte[1000]);
        var buffer = new byte[1000];
        var got = 0;
        while (got < 1000)
        {
            got += server.Receive(buffer, got, 1000 - got, SocketFlags.None);
        }

        Assert.SkipUnless(OperatingSystem.IsLinux(), "TCP_INFO is read on Linux only.");
        var s = TcpInfoReader.Read(client);

        Assert.True(s.IsAvailable);
        Assert.Equal(1, s.State);
        Assert.True(s.SendMss > 0);
        Assert.True(s.BytesAcked >= 1000 || s.UnackedSegments > 0);
        Assert.False(TcpInfoReader.Read(null).IsAvailable);
    }

    [Fact]
    public void ClosedSocketIsUnavailableNotAnException()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Dispose();
        Assert.False(TcpInfoReader.Read(socket).IsAvailable);
    }

    [Fact]
    public void MaxSegmentIsSetBeforeConnect()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "TCP_MAXSEG is set and read back on Linux only.");

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        TcpSocketOptions.SetMaxSegment(client, 536);
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        using var server = listener.AcceptSocket();
        Assert.True(TcpSocketOptions.GetMaxSegment(client) <= 536);
        Assert.True(TcpInfoReader.Read(client).SendMss <= 536);
    }
}
