using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Domain names on the wire (RFC 1035 §3.1, §4.1.4) and in presentation form. Names are strings without the
/// trailing dot ("." is the root); bytes outside printable ASCII are written \DDD, '.' and '\' inside a label are
/// escaped. Comparison is ASCII case-insensitive and case is preserved as received.
/// </summary>
public static class DnsName
{
    public const int MaxWireLength = 255;
    public const int MaxLabelLength = 63;

    // Pointers use 14 bits, so only the first 16 KiB of a message can be a compression target.
    private const int MaxPointerTarget = 0x3FFF;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = false, AllowUnassigned = false };

    public static string Root => ".";

    /// <summary>ASCII case-insensitive equality; a trailing dot is ignored.</summary>
    public static bool Equal(string? a, string? b) =>
        string.Equals(Trim(a), Trim(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>Lower-case, no trailing dot ("." for the root).</summary>
    public static string Normalize(string? name) => Trim(name).ToLowerInvariant() is { Length: > 0 } n ? n : Root;

    public static bool IsRoot(string? name) => Trim(name).Length == 0;

    /// <summary>True when <paramref name="name"/> equals <paramref name="zone"/> or is below it.</summary>
    public static bool IsSubdomainOf(string name, string zone)
    {
        var n = Trim(name);
        var z = Trim(zone);
        if (z.Length == 0)
        {
            return true;
        }

        return n.Equals(z, StringComparison.OrdinalIgnoreCase)
            || (n.Length > z.Length && n.EndsWith("." + z, StringComparison.OrdinalIgnoreCase) && !IsEscapedDot(n, n.Length - z.Length - 1));
    }

    /// <summary>The name one label up ("b.c" for "a.b.c"; the root for a single label), or null for the root.</summary>
    public static string? Parent(string name)
    {
        var n = Trim(name);
        if (n.Length == 0)
        {
            return null;
        }

        for (var i = 0; i < n.Length; i++)
        {
            if (n[i] == '\\')
            {
                i++;
                continue;
            }

            if (n[i] == '.')
            {
                return n.Substring(i + 1);
            }
        }

        return Root;
    }

    /// <summary>Punycode labels shown as Unicode where possible; for display only.</summary>
    public static string ToUnicode(string name)
    {
        try
        {
            return IsRoot(name) ? Root : Idn.GetUnicode(Trim(name));
        }
        catch (ArgumentException)
        {
            return name;
        }
    }

    /// <summary>
    /// Presentation form to wire labels. Non-ASCII input is converted to punycode first.
    /// Throws <see cref="ArgumentException"/> for empty labels, labels over 63 bytes and names over 255 bytes.
    /// </summary>
    public static List<byte[]> ToLabels(string name)
    {
        var text = Trim(name);
        var labels = new List<byte[]>();
        if (text.Length == 0)
        {
            return labels;
        }

        if (HasNonAscii(text))
        {
            text = Idn.GetAscii(text);
        }

        var current = new List<byte>(MaxLabelLength);
        var wireLength = 1;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (current.Count == 0)
                {
                    throw new ArgumentException($"'{name}' has an empty label.", nameof(name));
                }

                if (current.Count > MaxLabelLength)
                {
                    throw new ArgumentException($"'{name}' has a label longer than 63 bytes.", nameof(name));
                }

                wireLength += current.Count + 1;
                labels.Add(current.ToArray());
                current.Clear();
                continue;
            }

            var c = text[i];
            if (c == '\\')
            {
                if (i + 3 < text.Length && char.IsDigit(text[i + 1]) && char.IsDigit(text[i + 2]) && char.IsDigit(text[i + 3]))
                {
                    var value = ((text[i + 1] - '0') * 100) + ((text[i + 2] - '0') * 10) + (text[i + 3] - '0');
                    if (value > 255)
                    {
                        throw new ArgumentException($"'{name}' has an escape above \\255.", nameof(name));
                    }

                    current.Add((byte)value);
                    i += 3;
                }
                else if (i + 1 < text.Length)
                {
                    current.Add((byte)text[++i]);
                }
                else
                {
                    throw new ArgumentException($"'{name}' ends with a lone backslash.", nameof(name));
                }

                continue;
            }

            current.Add((byte)c);
        }

        if (wireLength > MaxWireLength)
        {
            throw new ArgumentException($"'{name}' is longer than 255 bytes on the wire.", nameof(name));
        }

        return labels;
    }

    /// <summary>Wire length of a name written without compression.</summary>
    public static int WireLength(string name)
    {
        var length = 1;
        foreach (var label in ToLabels(name))
        {
            length += label.Length + 1;
        }

        return length;
    }

    /// <summary>
    /// Reads a possibly compressed name at <paramref name="offset"/> and advances it past the name's bytes at that
    /// position. A pointer must point before the start of the labels that contain it, so loops cannot occur; names
    /// over 255 bytes and reserved label types are rejected.
    /// </summary>
    internal static string Read(ReadOnlySpan<byte> message, ref int offset)
    {
        var builder = new StringBuilder(64);
        var position = offset;
        var segmentStart = offset;
        var jumped = false;
        var wireLength = 0;
        while (true)
        {
            if (position >= message.Length)
            {
                throw new DnsParseException("A name runs past the end of the message.", position);
            }

            var length = message[position];
            switch (length & 0xC0)
            {
                case 0x00:
                    if (length == 0)
                    {
                        if (!jumped)
                        {
                            offset = position + 1;
                        }

                        return builder.Length == 0 ? Root : builder.ToString();
                    }

                    if (position + 1 + length > message.Length)
                    {
                        throw new DnsParseException("A label runs past the end of the message.", position);
                    }

                    wireLength += length + 1;
                    if (wireLength + 1 > MaxWireLength)
                    {
                        throw new DnsParseException("A name is longer than 255 bytes.", position);
                    }

                    if (builder.Length > 0)
                    {
                        builder.Append('.');
                    }

                    AppendLabel(builder, message.Slice(position + 1, length));
                    position += 1 + length;
                    break;

                case 0xC0:
                    if (position + 1 >= message.Length)
                    {
                        throw new DnsParseException("A compression pointer runs past the end of the message.", position);
                    }

                    var target = ((length & 0x3F) << 8) | message[position + 1];
                    if (target >= segmentStart)
                    {
                        throw new DnsParseException("A compression pointer does not point backwards (loop or forward reference).", position);
                    }

                    if (!jumped)
                    {
                        offset = position + 2;
                        jumped = true;
                    }

                    segmentStart = target;
                    position = target;
                    break;

                default:
                    throw new DnsParseException("A label uses a reserved label type.", position);
            }
        }
    }

    /// <summary>Writes a name, compressing against and adding to <paramref name="compression"/> when it is given.</summary>
    internal static void Write(DnsWireWriter writer, string name, Dictionary<string, int>? compression)
    {
        var labels = ToLabels(name);
        for (var i = 0; i < labels.Count; i++)
        {
            if (compression is not null)
            {
                var key = SuffixKey(labels, i);
                if (compression.TryGetValue(key, out var pointer))
                {
                    writer.WriteUInt16((ushort)(0xC000 | pointer));
                    return;
                }

                if (writer.Position <= MaxPointerTarget)
                {
                    compression[key] = writer.Position;
                }
            }

            writer.WriteByte((byte)labels[i].Length);
            writer.WriteBytes(labels[i]);
        }

        writer.WriteByte(0);
    }

    private static string SuffixKey(List<byte[]> labels, int start)
    {
        var builder = new StringBuilder();
        for (var i = start; i < labels.Count; i++)
        {
            // Case-sensitive on purpose: a pointer must not change the case of the name it stands for (RFC 4343 §4.1).
            foreach (var b in labels[i])
            {
                builder.Append((char)b);
            }

            builder.Append('\0');
        }

        return builder.ToString();
    }

    private static void AppendLabel(StringBuilder builder, ReadOnlySpan<byte> label)
    {
        foreach (var b in label)
        {
            if (b == '.' || b == '\\')
            {
                builder.Append('\\').Append((char)b);
            }
            else if (b > 0x20 && b < 0x7F)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('\\').Append(b.ToString("000", CultureInfo.InvariantCulture));
            }
        }
    }

    private static string Trim(string? name)
    {
        var n = name ?? string.Empty;
        if (n.Length > 0 && n[n.Length - 1] == '.' && !IsEscapedDot(n, n.Length - 1))
        {
            n = n.Substring(0, n.Length - 1);
        }

        return n;
    }

    private static bool IsEscapedDot(string text, int dotIndex)
    {
        var backslashes = 0;
        for (var i = dotIndex - 1; i >= 0 && text[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static bool HasNonAscii(string text)
    {
        foreach (var c in text)
        {
            if (c > 0x7F)
            {
                return true;
            }
        }

        return false;
    }
}
