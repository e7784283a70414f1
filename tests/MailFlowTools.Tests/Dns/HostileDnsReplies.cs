using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Tests.Dns;

/// <summary>The bytes the hostile DNS peer sends: shared by the in-process and the CLI hostile-peer tests.</summary>
internal static class HostileDnsReplies
{
    public static byte[] Answer(DnsMessage q, ushort? id = null, DnsQuestion? question = null) => DnsMessageWriter.Write(new DnsMessage
    {
        Id = id ?? q.Id,
        IsResponse = true,
        Questions = new[] { question ?? q.Question! },
        Answers = new[] { new DnsRecord(q.Question!.Name, DnsRecordType.MX, DnsRecordClass.IN, 60, new DnsMxData(10, "mx.hostile.test")) },
        Edns = q.Edns is null ? null : new EdnsRecord { UdpPayloadSize = 1232 },
    });

    public static byte[] TcEmpty(DnsMessage q) => DnsMessageWriter.Write(new DnsMessage { Id = q.Id, IsResponse = true, IsTruncated = true, Questions = q.Questions });

    public static byte[] WithHeader(DnsMessage q, byte[] body)
    {
        var bytes = (byte[])body.Clone();
        bytes[0] = (byte)(q.Id >> 8);
        bytes[1] = (byte)q.Id;
        bytes[2] |= 0x80;
        return bytes;
    }

    public static byte[] PointerLoop(DnsMessage q)
    {
        // The right header and question, then an answer whose owner name points at itself.
        var head = DnsMessageWriter.Write(new DnsMessage { Id = q.Id, IsResponse = true, Questions = q.Questions });
        head[7] = 1; // ANCOUNT = 1
        var owner = head.Length;
        return head.Concat(new byte[] { (byte)(0xC0 | (owner >> 8)), (byte)owner, 0, 15, 0, 1, 0, 0, 0, 60, 0, 4, 0, 10, 0xC0, 12 }).ToArray();
    }

    public static byte[] Oversize(DnsMessage q, int size)
    {
        // A valid message padded with one huge unknown-type record.
        var head = DnsMessageWriter.Write(new DnsMessage { Id = q.Id, IsResponse = true, Questions = q.Questions });
        var rdLength = size - head.Length - 11;
        head[7] = 1;
        var record = new byte[] { 0, 0xFF, 0x00, 0, 1, 0, 0, 0, 60, (byte)(rdLength >> 8), (byte)rdLength };
        return head.Concat(record).Concat(new byte[rdLength]).ToArray();
    }

    public static byte[] BadOptCount(DnsMessage q)
    {
        // Two OPT records: FORMERR territory, so the reader rejects it.
        var head = DnsMessageWriter.Write(new DnsMessage { Id = q.Id, IsResponse = true, Questions = q.Questions });
        head[11] = 2;
        var opt = new byte[] { 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0 };
        return head.Concat(opt).Concat(opt).ToArray();
    }

    public static IReadOnlyList<FakeReply> Dribble(byte[] answer, int delayMs)
    {
        var framed = new byte[] { (byte)(answer.Length >> 8), (byte)answer.Length }.Concat(answer).ToArray();
        return framed.Select(b => new FakeReply(new[] { b }) { Framed = false, DelayMs = delayMs }).ToArray();
    }

    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
