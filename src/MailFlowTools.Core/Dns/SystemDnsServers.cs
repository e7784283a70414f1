using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace MailFlowTools.Core.Dns;

/// <summary>The machine's configured DNS servers: /etc/resolv.conf on Unix, the adapters' DNS servers on Windows.</summary>
public static class SystemDnsServers
{
    public const string ResolvConfPath = "/etc/resolv.conf";

    public static IReadOnlyList<IPEndPoint> Get()
    {
        var addresses = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? FromAdapters() : FromResolvConf();
        return addresses.Distinct().Select(a => new IPEndPoint(a, 53)).ToList();
    }

    /// <summary>"nameserver ADDRESS" lines, in order; comments and unparseable lines are skipped.</summary>
    public static IReadOnlyList<IPAddress> ParseResolvConf(string text)
    {
        var result = new List<IPAddress>();
        using var reader = new StringReader(text ?? string.Empty);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#' || trimmed[0] == ';')
            {
                continue;
            }

            var parts = trimmed.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1], out var address))
            {
                result.Add(address);
            }
        }

        return result;
    }

    private static IEnumerable<IPAddress> FromResolvConf()
    {
        try
        {
            return ParseResolvConf(File.ReadAllText(ResolvConfPath));
        }
        catch (IOException)
        {
            return Array.Empty<IPAddress>();
        }
        catch (UnauthorizedAccessException)
        {
            return Array.Empty<IPAddress>();
        }
    }

    private static IEnumerable<IPAddress> FromAdapters()
    {
        var result = new List<IPAddress>();
        foreach (var adapter in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (adapter.OperationalStatus != OperationalStatus.Up || adapter.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var address in adapter.GetIPProperties().DnsAddresses)
            {
                // fec0:0:0:ffff::1..3 are Windows' unconfigured site-local placeholders.
                if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv6SiteLocal
                    && address.ToString().StartsWith("fec0:0:0:ffff::", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                result.Add(address);
            }
        }

        return result;
    }

    /// <summary>For messages that name the resolver asked: "the system resolver (DNS servers 192.0.2.53, 192.0.2.54)".</summary>
    public static string DescribeSystemResolver()
    {
        IReadOnlyList<IPEndPoint> servers;
        try
        {
            servers = Get();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NetworkInformationException or PlatformNotSupportedException)
        {
            servers = Array.Empty<IPEndPoint>();
        }

        return servers.Count == 0
            ? "the system resolver (no DNS server configured; hosts file only)"
            : "the system resolver (DNS " + string.Join(", ", servers.Select(Describe)) + ")";
    }

    /// <summary>The resolver a lookup with these servers asks: the given servers, or (none given) the system's.</summary>
    public static string DescribeResolver(IReadOnlyList<IPEndPoint>? servers) =>
        servers is null || servers.Count == 0 ? DescribeSystemResolver() : "DNS " + string.Join(", ", servers.Select(Describe));

    internal static string Describe(IPEndPoint endPoint) =>
        endPoint.Port == 53 ? endPoint.Address.ToString() : (endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + endPoint.Address + "]:" : endPoint.Address + ":") + endPoint.Port.ToString(CultureInfo.InvariantCulture);
}
