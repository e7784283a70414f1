using System;
using System.Collections.Generic;
using System.Net;
using System.Text;

namespace MailFlowTools.Core.Dns;

/// <summary>
/// Parses DNS messages (RFC 1035, RFC 6891). Every read is bounds-checked; on any input the reader either returns a
/// message or throws <see cref="DnsParseException"/> with the offset of the problem, and nothing else.
/// </summary>
public static class DnsMessageReader
{
    public const int HeaderSize = 12;

    // Smallest possible question (root name + type + class) and record (root name + fixed fields).
    private const int MinQuestionSize = 5;
    private const int MinRecordSize = 11;

    public static DnsMessage Read(byte[] message) => Read(new ReadOnlySpan<byte>(message ?? Array.Empty<byte>()));

    public static DnsMessage Read(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderSize)
        {
            throw new DnsParseException($"The message has {message.Length} bytes, shorter than the 12-byte header.", 0);
        }

        if (message.Length > DnsWireWriter.MaxMessageSize)
        {
            throw new DnsParseException("The message is longer than 65535 bytes.", DnsWireWriter.MaxMessageSize);
        }

        var reader = new DnsWireReader(message);
        var id = reader.ReadUInt16("the header");
        var flags = reader.ReadUInt16("the header");
        var qdCount = reader.ReadUInt16("the header");
        var anCount = reader.ReadUInt16("the header");
        var nsCount = reader.ReadUInt16("the header");
        var arCount = reader.ReadUInt16("the header");

        var minimum = (qdCount * MinQuestionSize) + ((anCount + nsCount + arCount) * MinRecordSize);
        if (minimum > reader.Remaining)
        {
            throw new DnsParseException($"The header announces {qdCount}/{anCount}/{nsCount}/{arCount} entries, more than {reader.Remaining} bytes can hold.", 4);
        }

        var questions = new List<DnsQuestion>(qdCount);
        for (var i = 0; i < qdCount; i++)
        {
            var name = reader.ReadName();
            var type = (DnsRecordType)reader.ReadUInt16("a question");
            var recordClass = (DnsRecordClass)reader.ReadUInt16("a question");
            questions.Add(new DnsQuestion(name, type, recordClass));
        }

        EdnsRecord? edns = null;
        var answers = ReadSection(ref reader, anCount, "answer", ref edns);
        var authorities = ReadSection(ref reader, nsCount, "authority", ref edns);
        var additionals = ReadSection(ref reader, arCount, "additional", ref edns);

        var rcode = flags & 0x000F;
        if (edns is not null)
        {
            rcode |= edns.ExtendedRcode << 4;
        }

        return new DnsMessage
        {
            Id = id,
            IsResponse = (flags & 0x8000) != 0,
            Opcode = (byte)((flags >> 11) & 0x0F),
            IsAuthoritative = (flags & 0x0400) != 0,
            IsTruncated = (flags & 0x0200) != 0,
            RecursionDesired = (flags & 0x0100) != 0,
            RecursionAvailable = (flags & 0x0080) != 0,
            Z = (flags & 0x0040) != 0,
            AuthenticData = (flags & 0x0020) != 0,
            CheckingDisabled = (flags & 0x0010) != 0,
            ResponseCode = (DnsResponseCode)rcode,
            Questions = questions,
            Answers = answers,
            Authorities = authorities,
            Additionals = additionals,
            Edns = edns,
            WireSize = message.Length,
        };
    }

    /// <summary>True when the bytes are parseable; never throws.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out DnsMessage? result, out DnsParseException? error)
    {
        try
        {
            result = Read(message);
            error = null;
            return true;
        }
        catch (DnsParseException ex)
        {
            result = null;
            error = ex;
            return false;
        }
    }

    /// <summary>Reads only the ID and the QR bit, for matching a reply whose body may be damaged.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> message, out ushort id, out bool isResponse)
    {
        if (message.Length < HeaderSize)
        {
            id = 0;
            isResponse = false;
            return false;
        }

        id = (ushort)((message[0] << 8) | message[1]);
        isResponse = (message[2] & 0x80) != 0;
        return true;
    }

    private static List<DnsRecord> ReadSection(ref DnsWireReader reader, int count, string section, ref EdnsRecord? edns)
    {
        var records = new List<DnsRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var start = reader.Position;
            var name = reader.ReadName();
            var type = (DnsRecordType)reader.ReadUInt16("a record header");
            var recordClass = reader.ReadUInt16("a record header");
            var ttl = reader.ReadUInt32("a record header");
            var rdLength = reader.ReadUInt16("a record header");
            if (rdLength > reader.Remaining)
            {
                throw new DnsParseException($"A {section} record's RDATA ({rdLength} bytes) runs past the end of the message.", reader.Position - 2);
            }

            var rdataStart = reader.Position;
            var rdataEnd = rdataStart + rdLength;
            if (type == DnsRecordType.OPT)
            {
                if (section != "additional")
                {
                    throw new DnsParseException($"An OPT record is in the {section} section.", start);
                }

                if (edns is not null)
                {
                    throw new DnsParseException("The message has more than one OPT record.", start);
                }

                if (!DnsName.IsRoot(name))
                {
                    throw new DnsParseException("The OPT record's owner is not the root.", start);
                }

                edns = ReadOpt(ref reader, recordClass, ttl, rdataEnd);
                continue;
            }

            var data = ReadData(ref reader, type, rdLength, rdataEnd);
            if (reader.Position != rdataEnd)
            {
                throw new DnsParseException($"A {type} record's content does not match its RDATA length {rdLength}.", rdataStart);
            }

            records.Add(new DnsRecord(name, type, (DnsRecordClass)recordClass, ttl, data, rdLength));
        }

        return records;
    }

    private static DnsRecordData ReadData(ref DnsWireReader reader, DnsRecordType type, int rdLength, int rdataEnd)
    {
        var start = reader.Position;
        switch (type)
        {
            case DnsRecordType.A:
            case DnsRecordType.AAAA:
                var size = type == DnsRecordType.A ? 4 : 16;
                if (rdLength != size)
                {
                    throw new DnsParseException($"An {type} record has {rdLength} bytes of RDATA instead of {size}.", start);
                }

                return new DnsAddressData(new IPAddress(reader.ReadBytes(size, "an address").ToArray()));

            case DnsRecordType.MX:
                var preference = reader.ReadUInt16("an MX record");
                var exchange = ReadNameWithin(ref reader, rdataEnd);
                return new DnsMxData(preference, exchange);

            case DnsRecordType.NS:
            case DnsRecordType.CNAME:
            case DnsRecordType.PTR:
                return new DnsNameData(ReadNameWithin(ref reader, rdataEnd));

            case DnsRecordType.SOA:
                var mname = ReadNameWithin(ref reader, rdataEnd);
                var rname = ReadNameWithin(ref reader, rdataEnd);
                if (rdataEnd - reader.Position != 20)
                {
                    throw new DnsParseException("An SOA record's timers are not 20 bytes.", reader.Position);
                }

                return new DnsSoaData(mname, rname, reader.ReadUInt32("SOA"), reader.ReadUInt32("SOA"), reader.ReadUInt32("SOA"), reader.ReadUInt32("SOA"), reader.ReadUInt32("SOA"));

            case DnsRecordType.TXT:
                var strings = new List<string>();
                while (reader.Position < rdataEnd)
                {
                    var length = reader.ReadByte("a TXT string");
                    if (reader.Position + length > rdataEnd)
                    {
                        throw new DnsParseException("A TXT string runs past its record.", reader.Position - 1);
                    }

                    strings.Add(Encoding.UTF8.GetString(reader.ReadBytes(length, "a TXT string").ToArray()));
                }

                return new DnsTxtData(strings);

            default:
                return new DnsRawData(reader.ReadBytes(rdLength, "RDATA").ToArray());
        }
    }

    private static string ReadNameWithin(ref DnsWireReader reader, int rdataEnd)
    {
        var start = reader.Position;
        var name = reader.ReadName();
        if (reader.Position > rdataEnd)
        {
            throw new DnsParseException("A name runs past the end of its record.", start);
        }

        return name;
    }

    private static EdnsRecord ReadOpt(ref DnsWireReader reader, ushort payloadSize, uint ttl, int rdataEnd)
    {
        var options = new List<EdnsOption>();
        while (reader.Position < rdataEnd)
        {
            var optionStart = reader.Position;
            var code = reader.ReadUInt16("an EDNS option");
            var length = reader.ReadUInt16("an EDNS option");
            if (reader.Position + length > rdataEnd)
            {
                throw new DnsParseException("An EDNS option runs past the OPT record.", optionStart);
            }

            options.Add(new EdnsOption(code, reader.ReadBytes(length, "an EDNS option").ToArray()));
        }

        if (reader.Position != rdataEnd)
        {
            throw new DnsParseException("The OPT record's options do not fill its RDATA.", reader.Position);
        }

        return new EdnsRecord
        {
            UdpPayloadSize = payloadSize,
            ExtendedRcode = (byte)(ttl >> 24),
            Version = (byte)(ttl >> 16),
            Flags = (ushort)ttl,
            Options = options,
        };
    }
}
