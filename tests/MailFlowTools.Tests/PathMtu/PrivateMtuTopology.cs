using System;
using System.Globalization;
using System.IO;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>
/// A three-namespace path of its own (client, router, server; documentation addresses only) where the router's
/// far side has MTU 1380. Server address .20/::20 gets "too big" errors; .30/::30 is a black hole (the router's
/// errors about it are dropped). The client admits gid 0 to ICMP datagram sockets (net.ipv4.ping_group_range),
/// so the unprivileged transport can be tested without touching the shared lab. Root only; removed on dispose.
/// </summary>
public sealed class PrivateMtuTopology : IDisposable
{
    public const int Mtu = 1380;
    public const string ControlV4 = "203.0.113.20";
    public const string ControlV6 = "2001:db8:77:b::20";
    public const string BlackHoleV4 = "203.0.113.30";
    public const string BlackHoleV6 = "2001:db8:77:b::30";

    /// <summary>Echo requests larger than <see cref="EchoFilter"/> bytes to this address are dropped; TCP (an SMTP responder on port 25) is not.</summary>
    public const string EchoFilteredV4 = "203.0.113.25";
    public const int EchoFilter = 1000;

    private const string SmtpResponder = """
import asyncio, sys
async def session(r, w):
    w.write(b"220 private ESMTP\r\n"); await w.drain()
    while line := await r.readline():
        if line[:4].upper() == b"QUIT":
            w.write(b"221 bye\r\n"); await w.drain(); break
        w.write(b"250-private\r\n250 PIPELINING\r\n" if line[:4].upper() == b"EHLO" else b"250 2.0.0 Ok\r\n")
        await w.drain()
    w.close()
async def main():
    server = await asyncio.start_server(session, sys.argv[1], 25)
    print("ready", flush=True)
    await server.serve_forever()
asyncio.run(main())
""";

    private System.Diagnostics.Process? _responder;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public PrivateMtuTopology()
    {
        var id = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Client = "mfl-mtu-c" + id;
        Router = "mfl-mtu-r" + id;
        Server = "mfl-mtu-s" + id;
        SkipReason = !Privilege.IsRoot ? "Needs root on Linux (network namespaces); run the tests as root."
            : !File.Exists(Privilege.Setpriv) ? Privilege.Setpriv + " is missing (Debian package util-linux; tests/run.sh installs it as root)."
            : null;
        if (SkipReason is not null)
        {
            return;
        }

        var script = $@"set -e
C={Client}; R={Router}; S={Server}
for n in $C $R $S; do ip netns add $n; done
ip link add ta netns $C type veth peer name tr0 netns $R
ip link add tb netns $S type veth peer name tr1 netns $R
ip -n $C addr add 203.0.113.10/28 dev ta; ip -n $C addr add 2001:db8:77:a::10/64 dev ta nodad
ip -n $R addr add 203.0.113.1/28 dev tr0; ip -n $R addr add 2001:db8:77:a::1/64 dev tr0 nodad
ip -n $R addr add 203.0.113.17/28 dev tr1; ip -n $R addr add 2001:db8:77:b::1/64 dev tr1 nodad
for a in 20 25 30; do ip -n $S addr add 203.0.113.$a/28 dev tb; ip -n $S addr add 2001:db8:77:b::$a/64 dev tb nodad; done
for n in $C $R $S; do ip -n $n link set lo up; done
ip -n $C link set ta up; ip -n $R link set tr0 up; ip -n $R link set tr1 up mtu {Mtu}; ip -n $S link set tb up mtu {Mtu}
ip -n $C route add default via 203.0.113.1; ip -n $C -6 route add default via 2001:db8:77:a::1
ip -n $S route add default via 203.0.113.17; ip -n $S -6 route add default via 2001:db8:77:b::1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip netns exec $C sysctl -qw net.ipv4.tcp_mtu_probing=0 'net.ipv4.ping_group_range=0 0'
printf '%s\n' 'table inet mtu {{' ' chain o {{ type filter hook output priority 0; policy accept;' \
  '  icmp type destination-unreachable @th,192,32 0xcb00711e drop' \
  '  icmpv6 type packet-too-big @th,256,64 0x20010db80077000b @th,320,64 0x30 drop' ' }}' \
  ' chain f {{ type filter hook forward priority 0; policy accept;' \
  '  ip daddr 203.0.113.25 icmp type echo-request ip length > {EchoFilter} drop' ' }}' '}}' | ip netns exec $R nft -f -
for a in 203.0.113.20 2001:db8:77:b::20; do for i in $(seq 1 50); do ip netns exec $C ping -c1 -W1 $a >/dev/null 2>&1 && break; sleep 0.1; done; done
";
        var r = ProcessRunner.Run("bash", new[] { "-c", script }, Limit);
        if (r.ExitCode != 0)
        {
            Dispose();
            throw new InvalidOperationException("Could not build the private MTU topology: " + r.StandardOutput + r.StandardError);
        }

        var start = new System.Diagnostics.ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", Server, "python3", "-c", SmtpResponder, EchoFilteredV4 })
        {
            start.ArgumentList.Add(a);
        }

        _responder = System.Diagnostics.Process.Start(start);
        var ready = _responder!.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(10)) || ready.Result != "ready")
        {
            Dispose();
            throw new InvalidOperationException("The SMTP responder in the private topology did not start.");
        }
    }

    public string Client { get; }

    public string Router { get; }

    public string Server { get; }

    public string? SkipReason { get; }

    /// <summary>Runs the CLI in the client namespace as root (raw sockets).</summary>
    public ProcessResult Privileged(TimeSpan timeout, params string[] args)
    {
        System.Collections.Generic.List<string> command = ["netns", "exec", Client, .. TestPaths.CliCommand];
        command.AddRange(args);
        return ProcessRunner.Run("ip", command, timeout);
    }

    /// <summary>Runs the CLI in the client namespace without CAP_NET_RAW (a root shell that has dropped the capability).</summary>
    public ProcessResult Unprivileged(TimeSpan timeout, params string[] args)
    {
        System.Collections.Generic.List<string> command = ["netns", "exec", Client, Privilege.Setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw", .. TestPaths.CliCommand];
        command.AddRange(args);
        return ProcessRunner.Run("ip", command, timeout);
    }

    public void Dispose()
    {
        if (SkipReason is not null)
        {
            return;
        }

        if (_responder is { } responder)
        {
            try
            {
                responder.Kill(entireProcessTree: true);
                responder.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            responder.Dispose();
            _responder = null;
        }

        foreach (var ns in new[] { Client, Router, Server })
        {
            ProcessRunner.Run("ip", new[] { "netns", "del", ns }, Limit);
        }
    }
}
