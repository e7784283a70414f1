using System;
using System.Globalization;

namespace MailFlowTools.Core.PathMtu;

/// <summary>What <c>ip route get ADDR</c> says about the route: device, MTU, whether it is locked, when a learned MTU expires.</summary>
internal sealed class RouteMtuInfo
{
    public string? Device { get; init; }

    public int? Mtu { get; init; }

    public bool Locked { get; init; }

    /// <summary>Seconds until a learned (cached) path MTU expires; null for a configured route MTU.</summary>
    public int? ExpiresSeconds { get; init; }

    /// <summary>True when the MTU is a cached path MTU exception (learned from a "too big" error).</summary>
    public bool IsCached => Mtu is not null && ExpiresSeconds is not null;

    /// <summary>Parses iproute2's output, e.g. "… dev c0 src 192.0.2.10 uid 0 \n cache expires 579sec mtu 1400".</summary>
    public static RouteMtuInfo Parse(string text)
    {
        var tokens = (text ?? string.Empty).Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);
        string? device = null;
        int? mtu = null;
        int? expires = null;
        var locked = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            switch (tokens[i])
            {
                case "dev" when i + 1 < tokens.Length && device is null:
                    device = tokens[++i];
                    break;
                case "mtu" when i + 1 < tokens.Length:
                    var value = tokens[i + 1];
                    if (value == "lock" && i + 2 < tokens.Length)
                    {
                        locked = true;
                        value = tokens[i + 2];
                        i++;
                    }

                    if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var m))
                    {
                        mtu = m;
                        i++;
                    }

                    break;
                case "expires" when i + 1 < tokens.Length:
                    var e = tokens[i + 1];
                    if (e.EndsWith("sec", StringComparison.Ordinal))
                    {
                        e = e.Substring(0, e.Length - 3);
                    }

                    if (int.TryParse(e, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s))
                    {
                        expires = s;
                        i++;
                    }

                    break;
            }
        }

        return new RouteMtuInfo { Device = device, Mtu = mtu, Locked = locked, ExpiresSeconds = expires };
    }
}
