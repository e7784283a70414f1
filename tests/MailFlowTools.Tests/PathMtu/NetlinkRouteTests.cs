using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Tests.Infrastructure;
using MailFlowTools.Tests.Lab;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// The route lookup over rtnetlink that replaced starting <c>ip route get</c>: its reply parser on built replies.
/// <see cref="CompareWithIproute"/> (run on the private topology by <see cref="UnprivilegedIcmpTests"/>) checks the
/// live answer against iproute2's before and after the kernel learned a path MTU.
/// </summary>
public sealed class NetlinkRouteTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_reply_with_a_learned_mtu_gives_the_mtu_the_expiry_and_the_interface()
    {
        var reply = Reply(24, Attribute(4, Int(7)), Attribute(8, Attribute(2, Int(1400))), Attribute(12, CacheInfo(expiresTicks: 57_950)));

        var route = NetlinkRoute.ParseReply(reply, out var index);

        Assert.NotNull(route);
        Assert.Equal(7, index);
        Assert.Equal(1400, route.Mtu);
        Assert.Equal(579, route.ExpiresSeconds);
        Assert.False(route.Locked);
        Assert.True(route.IsCached);
    }

    [Fact]
    public void A_locked_route_mtu_is_locked_and_a_route_without_metrics_has_no_mtu()
    {
        var locked = NetlinkRoute.ParseReply(Reply(24, Attribute(8, Attribute(1, Int(1 << 2)), Attribute(2, Int(1400)))), out _);
        Assert.NotNull(locked);
        Assert.Equal(1400, locked.Mtu);
        Assert.True(locked.Locked);
        Assert.False(locked.IsCached);

        var plain = NetlinkRoute.ParseReply(Reply(24, Attribute(4, Int(3)), Attribute(12, CacheInfo(expiresTicks: 0))), out var index);
        Assert.NotNull(plain);
        Assert.Equal(3, index);
        Assert.Null(plain.Mtu);
        Assert.Null(plain.ExpiresSeconds);
    }

    [Fact]
    public void An_error_reply_or_a_malformed_one_gives_no_route_and_does_not_throw()
    {
        Assert.Null(NetlinkRoute.ParseReply(Reply(2, Int(-101)), out _));
        Assert.Null(NetlinkRoute.ParseReply(new byte[10], out _));

        // An attribute that claims more bytes than the reply has ends the walk; what was read before stays.
        var truncated = Reply(24, Attribute(4, Int(9)));
        var bad = new byte[truncated.Length + 8];
        truncated.CopyTo(bad, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bad, (uint)bad.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bad.AsSpan(truncated.Length), 400);
        BinaryPrimitives.WriteUInt16LittleEndian(bad.AsSpan(truncated.Length + 2), 8);
        var route = NetlinkRoute.ParseReply(bad, out var index);
        Assert.NotNull(route);
        Assert.Equal(9, index);
        Assert.Null(route.Mtu);
    }

    [Fact]
    public void The_request_asks_for_one_destination_as_iproute2_does()
    {
        var request = NetlinkRoute.BuildRequest(IPAddress.Parse("2001:db8:77:b::20"), sequence: 5);

        Assert.Equal(request.Length, (int)BinaryPrimitives.ReadUInt32LittleEndian(request));
        Assert.Equal(26, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(4)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6)));
        Assert.Equal(10, request[16]);
        Assert.Equal(128, request[17]);
        Assert.Equal(20, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(28)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(30)));
        Assert.Equal(IPAddress.Parse("2001:db8:77:b::20").GetAddressBytes(), request.AsSpan(32, 16).ToArray());
    }

    /// <summary>Flushes the client's route cache, then compares before and after one "too big" taught the kernel.</summary>
    internal static void CompareWithIproute(PrivateMtuTopology topology, string address)
    {
        var target = IPAddress.Parse(address);
        var family = target.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "-6" : "-4";
        ProcessRunner.Run("ip", new[] { "-n", topology.Client, family, "route", "flush", "cache" }, Limit);

        var before = Compare(topology, target, family);
        Assert.Null(before.Mtu);

        // A large echo with DF draws the router's "too big", which teaches the client's kernel the path MTU.
        var ping = ProcessRunner.Run("ip", new[] { "netns", "exec", topology.Client, "ping", family, "-c", "1", "-W", "1", "-M", "do", "-s", "1400", address }, Limit);
        Assert.Contains("1380", ping.StandardOutput + ping.StandardError, StringComparison.Ordinal);

        var after = Compare(topology, target, family);
        Assert.Equal(PrivateMtuTopology.Mtu, after.Mtu);
        Assert.True(after.IsCached);
        ProcessRunner.Run("ip", new[] { "-n", topology.Client, family, "route", "flush", "cache" }, Limit);
    }

    private static RouteMtuInfo Compare(PrivateMtuTopology topology, IPAddress target, string family)
    {
        var (found, ours) = NetworkNamespaceThread.Run(topology.Client, () => (NetlinkRoute.TryGet(target, out var r), r));
        var ip = ProcessRunner.Run("ip", new[] { "-n", topology.Client, family, "route", "get", target.ToString() }, Limit);
        Assert.True(ip.ExitCode == 0, ip.StandardError);
        var theirs = RouteMtuInfo.Parse(ip.StandardOutput);

        Assert.True(found);
        Assert.NotNull(ours);
        Assert.Equal(theirs.Device, ours.Device);
        Assert.Equal(theirs.Mtu, ours.Mtu);
        Assert.Equal(theirs.Locked, ours.Locked);
        Assert.Equal(theirs.ExpiresSeconds is null, ours.ExpiresSeconds is null);
        if (theirs.ExpiresSeconds is { } e)
        {
            Assert.InRange(ours.ExpiresSeconds!.Value, e - 2, e + 2);
        }

        return ours;
    }

    private static byte[] Reply(ushort type, params byte[][] body)
    {
        var payload = new List<byte>(new byte[12]);
        foreach (var part in body)
        {
            payload.AddRange(part);
        }

        var message = new byte[16 + payload.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        payload.CopyTo(message, 16);
        return message;
    }

    private static byte[] Attribute(ushort type, params byte[][] data)
    {
        var body = new List<byte>();
        foreach (var part in data)
        {
            body.AddRange(part);
        }

        var length = 4 + body.Count;
        var attribute = new byte[(length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute.AsSpan(2), type);
        body.CopyTo(attribute, 4);
        return attribute;
    }

    private static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] CacheInfo(int expiresTicks)
    {
        var info = new byte[32];
        BinaryPrimitives.WriteInt32LittleEndian(info.AsSpan(8), expiresTicks);
        return info;
    }
}
