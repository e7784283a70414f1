using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// The IP sockets this process holds (Linux, from /proc), so a test can tell whether the engine left one open.
/// Only sockets that could belong to a loopback test are counted: their peer is loopback or unset. A socket that
/// something else in the process opened meanwhile (the system resolver's, connected to the machine's name server)
/// talks to another address and is not the engine's.
/// </summary>
internal sealed class LoopbackSocketCensus
{
    private static readonly string[] Tables = { "tcp", "tcp6", "udp", "udp6" };

    private LoopbackSocketCensus(HashSet<string> inodes) => Inodes = inodes;

    /// <summary>False where /proc/self/fd is not available (not Linux).</summary>
    public static bool Supported => RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Directory.Exists("/proc/self/fd");

    private HashSet<string> Inodes { get; }

    public static LoopbackSocketCensus Take() => new(OwnSocketInodes());

    /// <summary>Sockets open now that were not at <paramref name="before"/> and could be a loopback test's, described.</summary>
    public static IReadOnlyList<string> NewSince(LoopbackSocketCensus before)
    {
        var fresh = OwnSocketInodes();
        fresh.ExceptWith(before.Inodes);
        if (fresh.Count == 0)
        {
            return Array.Empty<string>();
        }

        var found = new List<string>();
        foreach (var table in Tables)
        {
            foreach (var entry in ReadTable(table))
            {
                if (fresh.Contains(entry.Inode) && PeerIsLoopbackOrUnset(entry.Remote))
                {
                    found.Add($"{table} local {entry.Local} peer {entry.Remote} inode {entry.Inode}");
                }
            }
        }

        return found;
    }

    private static HashSet<string> OwnSocketInodes()
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target.Substring(8, target.Length - 9));
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return inodes;
    }

    private static IEnumerable<(string Local, string Remote, string Inode)> ReadTable(string table)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/net/" + table);
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9)
            {
                yield return (fields[1], fields[2], fields[9]);
            }
        }
    }

    /// <summary>The peer column ("0100007F:0035", IPv4 or IPv6 in the kernel's hex) is loopback or all zeros.</summary>
    private static bool PeerIsLoopbackOrUnset(string remote)
    {
        var address = remote.Split(':')[0];
        if (address.All(c => c == '0'))
        {
            return true;
        }

        if (address.Length == 8)
        {
            // IPv4 in host (little-endian) order: 127.x.y.z ends in 7F.
            return address.EndsWith("7F", StringComparison.OrdinalIgnoreCase);
        }

        // IPv6 ::1, or ::ffff:127.x.y.z, as four little-endian words.
        return string.Equals(address, "00000000000000000000000001000000", StringComparison.OrdinalIgnoreCase)
            || (address.StartsWith("0000000000000000FFFF0000", StringComparison.OrdinalIgnoreCase)
                && int.Parse(address.Substring(30, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == 0x7F);
    }
}
