using System;
using System.Collections.Generic;
using System.Text;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// A deliberately separate, minimal RFC 1035 §4.1 decoder for checking captured answers: it shares no code with
/// the product's reader. Header fields, then each record's owner, type, class, TTL, RDLENGTH and RDATA offset,
/// with every compression pointer (§4.1.4) it follows recorded as (where, target).
/// </summary>
public sealed class RawDnsWalk
{
    public sealed record RawRecord(string Section, int Offset, string Owner, ushort Type, ushort Class, uint Ttl, int RDataOffset, ushort RDataLength);

    private readonly byte[] _m;

    public RawDnsWalk(byte[] message)
    {
        _m = message;
        var at = 12;
        for (var i = 0; i < QdCount; i++)
        {
            var (name, next) = Name(at);
            Questions.Add((name, U16(next), U16(next + 2)));
            at = next + 4;
        }

        foreach (var (section, count) in new[] { ("answer", AnCount), ("authority", NsCount), ("additional", ArCount) })
        {
            for (var i = 0; i < count; i++)
            {
                var start = at;
                var (owner, next) = Name(at);
                var record = new RawRecord(section, start, owner, U16(next), U16(next + 2), U32(next + 4), next + 10, U16(next + 8));
                Records.Add(record);
                at = record.RDataOffset + record.RDataLength;
            }
        }

        End = at;
    }

    public int Id => U16(0);

    public int Flags => U16(2);

    public bool Qr => (Flags & 0x8000) != 0;

    public int Opcode => (Flags >> 11) & 0xF;

    public bool Aa => (Flags & 0x0400) != 0;

    public bool Tc => (Flags & 0x0200) != 0;

    public bool Rd => (Flags & 0x0100) != 0;

    public bool Ra => (Flags & 0x0080) != 0;

    public bool Ad => (Flags & 0x0020) != 0;

    public bool Cd => (Flags & 0x0010) != 0;

    public int Rcode => Flags & 0xF;

    public int QdCount => U16(4);

    public int AnCount => U16(6);

    public int NsCount => U16(8);

    public int ArCount => U16(10);

    public List<(string Name, ushort Type, ushort Class)> Questions { get; } = new();

    public List<RawRecord> Records { get; } = new();

    public List<(int At, int Target)> Pointers { get; } = new();

    /// <summary>Where the last record ends; equals the message length for a well-formed answer.</summary>
    public int End { get; }

    public ushort U16(int at) => (ushort)((_m[at] << 8) | _m[at + 1]);

    public uint U32(int at) => ((uint)U16(at) << 16) | U16(at + 2);

    /// <summary>A name in presentation form without the trailing dot ("." for the root), and the offset after it.</summary>
    public (string Name, int Next) Name(int at)
    {
        var labels = new List<string>();
        int? next = null;
        for (var hops = 0; hops < 64; hops++)
        {
            var length = _m[at];
            if ((length & 0xC0) == 0xC0)
            {
                var target = ((length & 0x3F) << 8) | _m[at + 1];
                Pointers.Add((at, target));
                next ??= at + 2;
                at = target;
                continue;
            }

            if (length == 0)
            {
                return (labels.Count == 0 ? "." : string.Join(".", labels), next ?? at + 1);
            }

            labels.Add(Encoding.ASCII.GetString(_m, at + 1, length));
            at += 1 + length;
        }

        throw new InvalidOperationException("compression loop");
    }

    public byte[] RData(RawRecord r) => _m.AsSpan(r.RDataOffset, r.RDataLength).ToArray();
}
