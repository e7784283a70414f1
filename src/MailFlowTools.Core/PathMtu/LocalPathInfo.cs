using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.PathMtu;

/// <summary>
/// What this host believes about the path before probing: the outgoing interface MTU, a path MTU the kernel
/// has cached for the address, and (Linux) whether TCP does its own RFC 4821 MTU probing.
/// </summary>
internal sealed class LocalPathInfo
{
    public string? LocalAddress { get; init; }

    public string? Interface { get; init; }

    public int? LocalMtu { get; init; }

    /// <summary>The MTU the route to the address has (cached or configured), when below the interface MTU.</summary>
    public int? RoutePmtu { get; init; }

    public int? RoutePmtuExpiresSeconds { get; init; }

    public bool RouteMtuLocked { get; init; }

    /// <summary>net.ipv4.tcp_mtu_probing; null off Linux.</summary>
    public int? KernelTcpMtuProbing { get; init; }

    public static LocalPathInfo Inspect(IPAddress target, IEngineReporter reporter)
    {
        string? localAddress = null;
        int? socketMtu = null;
        try
        {
            using var udp = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

            // Connecting a UDP socket sends nothing; it only asks the kernel for the route.
            udp.Connect(new IPEndPoint(target, 9));
            localAddress = (udp.LocalEndPoint as IPEndPoint)?.Address.ToString();
#if NET8_0_OR_GREATER
            if (OperatingSystem.IsLinux())
            {
                socketMtu = target.AddressFamily == AddressFamily.InterNetworkV6
                    ? LinuxSockets.GetInt(udp, LinuxSockets.SolIpv6, LinuxSockets.Ipv6Mtu)
                    : LinuxSockets.GetInt(udp, LinuxSockets.SolIp, LinuxSockets.IpMtu);
            }
#endif
        }
        catch (SocketException ex)
        {
            reporter.Verbose($"No route lookup for {target}: {ex.SocketErrorCode}.");
        }

        RouteMtuInfo? route = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? LookUpRoute(target, reporter) : null;
        var (name, interfaceMtu) = FindInterface(localAddress, route?.Device, target.AddressFamily);

        int? routePmtu = route?.Mtu ?? socketMtu;
        if (routePmtu is { } r && interfaceMtu is { } i && r >= i)
        {
            routePmtu = null;
        }

        return new LocalPathInfo
        {
            LocalAddress = localAddress,
            Interface = name ?? route?.Device,
            LocalMtu = interfaceMtu,
            RoutePmtu = routePmtu,
            RoutePmtuExpiresSeconds = routePmtu is null ? null : route?.ExpiresSeconds,
            RouteMtuLocked = route?.Locked ?? false,
            KernelTcpMtuProbing = ReadTcpMtuProbing(),
        };
    }

    internal static int? ReadTcpMtuProbing()
    {
        try
        {
            const string path = "/proc/sys/net/ipv4/tcp_mtu_probing";
            if (!File.Exists(path))
            {
                return null;
            }

            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (string? Name, int? Mtu) FindInterface(string? localAddress, string? device, AddressFamily family)
    {
        // The route named its device: that device's MTU is one file away, no need to list every interface.
        if (device is not null && RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && ReadSysMtu(device) is { } deviceMtu and > 0)
        {
            return (device, deviceMtu);
        }

        try
        {
            var local = localAddress is null ? null : IPAddress.Parse(localAddress);
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                var properties = nic.GetIPProperties();
                var match = (device is not null && nic.Name == device)
                    || (local is not null && properties.UnicastAddresses.Any(u => u.Address.Equals(local)));
                if (!match)
                {
                    continue;
                }

                int? mtu = null;
                try
                {
                    mtu = family == AddressFamily.InterNetworkV6 ? properties.GetIPv6Properties()?.Mtu : properties.GetIPv4Properties()?.Mtu;
                }
                catch (NetworkInformationException)
                {
                }
                catch (PlatformNotSupportedException)
                {
                }

                if (mtu is null or <= 0 && RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    mtu = ReadSysMtu(nic.Name);
                }

                return (nic.Name, mtu is > 0 ? mtu : null);
            }
        }
        catch (NetworkInformationException)
        {
        }

        return device is null ? (null, null) : (device, ReadSysMtu(device));
    }

    private static int? ReadSysMtu(string device)
    {
        try
        {
            var path = "/sys/class/net/" + device + "/mtu";
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The kernel's route to the target: over rtnetlink in this process, else from iproute2.</summary>
    private static RouteMtuInfo? LookUpRoute(IPAddress target, IEngineReporter reporter)
    {
#if NET8_0_OR_GREATER
        if (NetlinkRoute.TryGet(target, out var route))
        {
            reporter.Verbose("route to " + target + (route is null
                ? ": none"
                : ": dev " + (route.Device ?? "?")
                    + (route.Mtu is { } mtu ? (route.Locked ? " mtu lock " : " mtu ") + mtu.ToString(CultureInfo.InvariantCulture) : string.Empty)
                    + (route.ExpiresSeconds is { } expires ? " expires " + expires.ToString(CultureInfo.InvariantCulture) + "sec" : string.Empty)));
            return route;
        }
#endif
        return RunIpRouteGet(target, reporter);
    }

    private static RouteMtuInfo? RunIpRouteGet(IPAddress target, IEngineReporter reporter)
    {
        var ip = new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);
        if (ip is null)
        {
            return null;
        }

        try
        {
            var start = new ProcessStartInfo(ip)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
            };

            // The argument is a parsed address, so it needs no quoting.
            start.Arguments = (target.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4") + " route get " + target;
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(2000) || !output.Wait(500))
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                }

                return null;
            }

            var text = output.Result;
            reporter.Verbose("ip route get " + target + ": " + string.Join(" ", text.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim())));
            return process.ExitCode == 0 ? RouteMtuInfo.Parse(text) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
