using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Writes DNS messages. Names in the question, owner names and the names inside NS, CNAME, PTR, MX and SOA RDATA
/// are compressed (RFC 1035 §4.1.4); other RDATA is written as it is. Messages are capped at 65535 bytes.
/// Invalid content throws <see cref="ArgumentException"/>.
/// </summary>
public static class DnsMessageWriter
{
    public static byte[] Write(DnsMessage message, bool compress = true)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        var writer = new DnsWireWriter();
        var compression = compress ? new Dictionary<string, int>(StringComparer.Ordinal) : null;
        var rcode = (int)message.ResponseCode;
        if (rcode < 0 || rcode > 0xFFF)
        {
            throw new ArgumentException("The RCODE does not fit in 12 bits.", nameof(message));
        }

        if (rcode > 0xF && message.Edns is null)
        {
            throw new ArgumentException($"RCODE {message.ResponseCode} needs an OPT record.", nameof(message));
        }

        var flags = 0;
        flags |= message.IsResponse ? 0x8000 : 0;
        flags |= (message.Opcode & 0x0F) << 11;
        flags |= message.IsAuthoritative ? 0x0400 : 0;
        flags |= message.IsTruncated ? 0x0200 : 0;
        flags |= message.RecursionDesired ? 0x0100 : 0;
        flags |= message.RecursionAvailable ? 0x0080 : 0;
        flags |= message.Z ? 0x0040 : 0;
        flags |= message.AuthenticData ? 0x0020 : 0;
        flags |= message.CheckingDisabled ? 0x0010 : 0;
        flags |= rcode & 0x0F;

        var additionalCount = message.Additionals.Count + (message.Edns is null ? 0 : 1);
        if (message.Questions.Count > ushort.MaxValue || message.Answers.Count > ushort.MaxValue || message.Authorities.Count > ushort.MaxValue || additionalCount > ushort.MaxValue)
        {
            throw new ArgumentException("A section has more than 65535 entries.", nameof(message));
        }

        writer.WriteUInt16(message.Id);
        writer.WriteUInt16((ushort)flags);
        writer.WriteUInt16((ushort)message.Questions.Count);
        writer.WriteUInt16((ushort)message.Answers.Count);
        writer.WriteUInt16((ushort)message.Authorities.Count);
        writer.WriteUInt16((ushort)additionalCount);

        foreach (var question in message.Questions)
        {
            DnsName.Write(writer, question.Name, compression);
            writer.WriteUInt16((ushort)question.Type);
            writer.WriteUInt16((ushort)question.Class);
        }

        foreach (var record in message.Answers)
        {
            WriteRecord(writer, record, compression);
        }

        foreach (var record in message.Authorities)
        {
            WriteRecord(writer, record, compression);
        }

        foreach (var record in message.Additionals)
        {
            WriteRecord(writer, record, compression);
        }

        if (message.Edns is { } edns)
        {
            WriteOpt(writer, edns, (byte)(rcode >> 4));
        }

        return writer.ToArray();
    }

    private static void WriteRecord(DnsWireWriter writer, DnsRecord record, Dictionary<string, int>? compression)
    {
        if (record.Type == DnsRecordType.OPT)
        {
            throw new ArgumentException("OPT goes in DnsMessage.Edns, not in a record section.", nameof(record));
        }

        DnsName.Write(writer, record.Name, compression);
        writer.WriteUInt16((ushort)record.Type);
        writer.WriteUInt16((ushort)record.Class);
        writer.WriteUInt32(record.Ttl);
        var lengthPosition = writer.Position;
        writer.WriteUInt16(0);
        var start = writer.Position;
        WriteData(writer, record, compression);
        var length = writer.Position - start;
        writer.PatchUInt16(lengthPosition, (ushort)length);
    }

    private static void WriteData(DnsWireWriter writer, DnsRecord record, Dictionary<string, int>? compression)
    {
        switch (record.Data)
        {
            case DnsAddressData address:
                var expected = record.Type == DnsRecordType.AAAA ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                if (address.Address.AddressFamily != expected)
                {
                    throw new ArgumentException($"A {record.Type} record holds a {address.Address.AddressFamily} address.", nameof(record));
                }

                writer.WriteBytes(address.Address.GetAddressBytes());
                break;
            case DnsMxData mx:
                writer.WriteUInt16(mx.Preference);
                DnsName.Write(writer, mx.Exchange, compression);
                break;
            case DnsNameData name:
                DnsName.Write(writer, name.Target, compression);
                break;
            case DnsSoaData soa:
                DnsName.Write(writer, soa.PrimaryServer, compression);
                DnsName.Write(writer, soa.ResponsibleMailbox, compression);
                writer.WriteUInt32(soa.Serial);
                writer.WriteUInt32(soa.Refresh);
                writer.WriteUInt32(soa.Retry);
                writer.WriteUInt32(soa.Expire);
                writer.WriteUInt32(soa.Minimum);
                break;
            case DnsTxtData txt:
                foreach (var s in txt.Strings)
                {
                    var bytes = Encoding.UTF8.GetBytes(s);
                    if (bytes.Length > 255)
                    {
                        throw new ArgumentException("A TXT string is longer than 255 bytes.", nameof(record));
                    }

                    writer.WriteByte((byte)bytes.Length);
                    writer.WriteBytes(bytes);
                }

                break;
            case DnsRawData raw:
                writer.WriteBytes(raw.Bytes);
                break;
            default:
                throw new ArgumentException("Unknown record data type " + record.Data?.GetType().Name + ".", nameof(record));
        }
    }

    private static void WriteOpt(DnsWireWriter writer, EdnsRecord edns, byte extendedRcode)
    {
        writer.WriteByte(0);
        writer.WriteUInt16((ushort)DnsRecordType.OPT);
        writer.WriteUInt16(edns.UdpPayloadSize);
        // An explicit ExtendedRcode wins so tests can write inconsistent values on purpose.
        writer.WriteByte(edns.ExtendedRcode != 0 ? edns.ExtendedRcode : extendedRcode);
        writer.WriteByte(edns.Version);
        writer.WriteUInt16(edns.Flags);
        var lengthPosition = writer.Position;
        writer.WriteUInt16(0);
        var start = writer.Position;
        foreach (var option in edns.Options)
        {
            writer.WriteUInt16(option.Code);
            if (option.Data.Length > ushort.MaxValue)
            {
                throw new ArgumentException("An EDNS option is longer than 65535 bytes.", nameof(edns));
            }

            writer.WriteUInt16((ushort)option.Data.Length);
            writer.WriteBytes(option.Data);
        }

        writer.PatchUInt16(lengthPosition, (ushort)(writer.Position - start));
    }
}
