using System;
using System.Linq;
using System.Net;
using System.Text;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Tests.Dns;

public sealed class DnsWireFormatTests
{
    private static DnsMessage FullResponse() => new()
    {
        Id = 0xBEEF,
        IsResponse = true,
        IsAuthoritative = true,
        RecursionDesired = true,
        AuthenticData = true,
        ResponseCode = DnsResponseCode.NoError,
        Questions = new[] { new DnsQuestion("Example.COM", DnsRecordType.MX) },
        Answers = new[]
        {
            new DnsRecord("example.com", DnsRecordType.MX, DnsRecordClass.IN, 300, new DnsMxData(10, "mx1.example.com")),
            new DnsRecord("example.com", DnsRecordType.MX, DnsRecordClass.IN, 300, new DnsMxData(20, "mx2.example.com")),
            new DnsRecord("example.com", DnsRecordType.RRSIG, DnsRecordClass.IN, 300, new DnsRawData(Enumerable.Range(0, 280).Select(i => (byte)i).ToArray())),
        },
        Authorities = new[]
        {
            new DnsRecord("example.com", DnsRecordType.NS, DnsRecordClass.IN, 3600, new DnsNameData("ns1.example.com")),
            new DnsRecord("example.com", DnsRecordType.SOA, DnsRecordClass.IN, 3600, new DnsSoaData("ns1.example.com", "hostmaster.example.com", 2024010101, 3600, 600, 86400, 300)),
        },
        Additionals = new[]
        {
            new DnsRecord("mx1.example.com", DnsRecordType.A, DnsRecordClass.IN, 300, new DnsAddressData(IPAddress.Parse("192.0.2.25"))),
            new DnsRecord("mx1.example.com", DnsRecordType.AAAA, DnsRecordClass.IN, 300, new DnsAddressData(IPAddress.Parse("2001:db8::25"))),
            new DnsRecord("www.example.com", DnsRecordType.CNAME, DnsRecordClass.IN, 300, new DnsNameData("example.com")),
            new DnsRecord("25.2.0.192.in-addr.arpa", DnsRecordType.PTR, DnsRecordClass.IN, 300, new DnsNameData("mx1.example.com")),
            new DnsRecord("example.com", DnsRecordType.TXT, DnsRecordClass.IN, 300, new DnsTxtData(new[] { "v=spf1 -all", "second string" })),
            new DnsRecord("example.com", DnsRecordType.DNSKEY, DnsRecordClass.IN, 300, new DnsRawData(new byte[260])),
            new DnsRecord("example.com", DnsRecordType.DS, DnsRecordClass.IN, 300, new DnsRawData(new byte[36])),
            new DnsRecord("example.com", DnsRecordType.NSEC, DnsRecordClass.IN, 300, new DnsRawData(new byte[22])),
            new DnsRecord("abc.example.com", DnsRecordType.NSEC3, DnsRecordClass.IN, 300, new DnsRawData(new byte[40])),
            new DnsRecord("example.com", (DnsRecordType)65280, DnsRecordClass.IN, 300, new DnsRawData(new byte[] { 1, 2, 3 })),
        },
        Edns = new EdnsRecord
        {
            UdpPayloadSize = 4096,
            Flags = EdnsRecord.DnssecOkFlag,
            Options = new[]
            {
                new EdnsOption(EdnsOptionCode.Nsid, Encoding.ASCII.GetBytes("ns1.lab")),
                new EdnsOption(EdnsOptionCode.Cookie, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }),
                new EdnsOption(EdnsOptionCode.Padding, new byte[12]),
            },
        },
    };

    [Fact]
    public void Response_with_every_record_type_round_trips()
    {
        var bytes = DnsMessageWriter.Write(FullResponse());
        var message = DnsMessageReader.Read(bytes);

        Assert.Equal(0xBEEF, message.Id);
        Assert.True(message.IsResponse && message.IsAuthoritative && message.RecursionDesired && message.AuthenticData);
        Assert.False(message.IsTruncated);
        Assert.Equal(bytes.Length, message.WireSize);
        Assert.Equal("Example.COM", message.Question!.Name);
        Assert.Equal(DnsRecordType.MX, message.Question.Type);

        var mx = message.Answers.Select(r => r.Data).OfType<DnsMxData>().ToList();
        Assert.Equal(new[] { "10 mx1.example.com", "20 mx2.example.com" }, mx.Select(m => m.ToString()));
        var rrsig = message.Answers[2];
        Assert.Equal(DnsRecordType.RRSIG, rrsig.Type);
        Assert.Equal(280, rrsig.RDataLength);
        Assert.Equal(DnsRecordType.A, ((DnsRawData)rrsig.Data).RrsigTypeCovered(rrsig.Type)); // bytes 0,1

        Assert.Equal("ns1.example.com", ((DnsNameData)message.Authorities[0].Data).Target);
        var soa = (DnsSoaData)message.Authorities[1].Data;
        Assert.Equal(("ns1.example.com", "hostmaster.example.com", 2024010101u, 300u), (soa.PrimaryServer, soa.ResponsibleMailbox, soa.Serial, soa.Minimum));

        Assert.Equal(IPAddress.Parse("192.0.2.25"), ((DnsAddressData)message.Additionals[0].Data).Address);
        Assert.Equal(IPAddress.Parse("2001:db8::25"), ((DnsAddressData)message.Additionals[1].Data).Address);
        Assert.Equal(DnsRecordType.CNAME, message.Additionals[2].Type);
        Assert.Equal("mx1.example.com", ((DnsNameData)message.Additionals[3].Data).Target);
        Assert.Equal(new[] { "v=spf1 -all", "second string" }, ((DnsTxtData)message.Additionals[4].Data).Strings);
        Assert.Equal(new[] { 260, 36, 22, 40, 3 }, message.Additionals.Skip(5).Select(r => r.RDataLength));
        Assert.Equal((DnsRecordType)65280, message.Additionals[9].Type);

        var edns = message.Edns!;
        Assert.Equal(4096, edns.UdpPayloadSize);
        Assert.True(edns.DnssecOk);
        Assert.Equal(0, edns.Version);
        Assert.Equal("ns1.lab", edns.Nsid);
        Assert.Equal(16, edns.Cookie!.Length);
        Assert.Equal(12, edns.PaddingLength);
        Assert.Equal(11 + 4 + 7 + 4 + 16 + 4 + 12, edns.WireSize);

        // Writing what was read gives the same bytes.
        Assert.Equal(bytes, DnsMessageWriter.Write(message));
    }

    [Fact]
    public void Compression_points_repeated_names_at_earlier_ones()
    {
        var message = FullResponse();
        var compressed = DnsMessageWriter.Write(message);
        var plain = DnsMessageWriter.Write(message, compress: false);

        Assert.True(compressed.Length < plain.Length - 100, $"{compressed.Length} vs {plain.Length}");
        // The first answer's owner is a pointer to its first spelling, right after the question.
        var answerOwner = 12 + DnsName.WireLength("Example.COM") + 4;
        var secondAnswerOwner = answerOwner + DnsName.WireLength("example.com") + 10 + 2 + 6;
        Assert.Equal(new byte[] { 0xC0, (byte)answerOwner }, compressed.Skip(secondAnswerOwner).Take(2).ToArray());
        // Both decode to the same content.
        Assert.Equal(DnsMessageWriter.Write(DnsMessageReader.Read(plain)), compressed);
    }

    [Fact]
    public void Compression_keeps_the_case_of_every_name_and_matching_ignores_case()
    {
        var message = new DnsMessage
        {
            Questions = new[] { new DnsQuestion("MiXeD.Example", DnsRecordType.A) },
            Answers = new[] { new DnsRecord("mixed.example", DnsRecordType.A, DnsRecordClass.IN, 1, new DnsAddressData(IPAddress.Parse("192.0.2.1"))) },
        };
        var read = DnsMessageReader.Read(DnsMessageWriter.Write(message));
        Assert.Equal("mixed.example", read.Answers[0].Name);
        Assert.Equal("MiXeD.Example", read.Question!.Name);
        Assert.True(read.Questions[0].Matches(new DnsQuestion("mixed.EXAMPLE.", DnsRecordType.A)));
        Assert.True(DnsName.Equal("A.b.C", "a.B.c."));
    }

    [Fact]
    public void Query_from_factory_carries_the_edns_settings()
    {
        var query = DnsQueryFactory.Create("example.com", DnsRecordType.MX, new DnsQueryOptions
        {
            EdnsBufferSize = 1232,
            DnssecOk = true,
            EdnsVersion = 1,
            ExtraEdnsFlags = 0x0080,
            EdnsOptions = new[] { new EdnsOption(100, new byte[] { 9 }) },
            Id = 7,
        });
        var read = DnsMessageReader.Read(DnsMessageWriter.Write(query));
        Assert.Equal(7, read.Id);
        Assert.False(read.IsResponse);
        Assert.True(read.RecursionDesired);
        Assert.Equal(1232, read.Edns!.UdpPayloadSize);
        Assert.Equal(1, read.Edns.Version);
        Assert.True(read.Edns.DnssecOk);
        Assert.Equal(0x8080, read.Edns.Flags);
        Assert.Equal(100, read.Edns.Options.Single().Code);

        var plain = DnsMessageReader.Read(DnsMessageWriter.Write(DnsQueryFactory.Create("example.com", DnsRecordType.A, new DnsQueryOptions { EdnsBufferSize = 0 })));
        Assert.Null(plain.Edns);
        Assert.Equal(29, plain.WireSize);
    }

    [Fact]
    public void Extended_rcode_and_tc_bit_round_trip()
    {
        var message = new DnsMessage
        {
            Id = 1,
            IsResponse = true,
            IsTruncated = true,
            ResponseCode = DnsResponseCode.BadVers,
            Questions = new[] { new DnsQuestion("example.com", DnsRecordType.SOA) },
            Edns = new EdnsRecord { UdpPayloadSize = 1232 },
        };
        var bytes = DnsMessageWriter.Write(message);
        Assert.Equal(0x02, bytes[2] & 0x02); // TC
        Assert.Equal(0, bytes[3] & 0x0F);    // BADVERS' low 4 bits are 0
        var read = DnsMessageReader.Read(bytes);
        Assert.True(read.IsTruncated);
        Assert.Equal(DnsResponseCode.BadVers, read.ResponseCode);
        Assert.Equal(1, read.Edns!.ExtendedRcode);

        Assert.Throws<ArgumentException>(() => DnsMessageWriter.Write(new DnsMessage { ResponseCode = DnsResponseCode.BadVers }));
    }

    [Fact]
    public void All_header_flags_round_trip()
    {
        var message = new DnsMessage { Id = 65535, IsResponse = true, Opcode = 5, IsAuthoritative = true, IsTruncated = true, RecursionDesired = true, RecursionAvailable = true, Z = true, AuthenticData = true, CheckingDisabled = true, ResponseCode = DnsResponseCode.NotZone };
        var read = DnsMessageReader.Read(DnsMessageWriter.Write(message));
        Assert.Equal((65535, true, 5, true, true, true, true, true, true, true, DnsResponseCode.NotZone), (read.Id, read.IsResponse, read.Opcode, read.IsAuthoritative, read.IsTruncated, read.RecursionDesired, read.RecursionAvailable, read.Z, read.AuthenticData, read.CheckingDisabled, read.ResponseCode));
    }

    [Fact]
    public void Idn_names_are_written_as_punycode()
    {
        var query = DnsQueryFactory.Create("bücher.example", DnsRecordType.MX, new DnsQueryOptions { Id = 1 });
        var read = DnsMessageReader.Read(DnsMessageWriter.Write(query));
        Assert.Equal("xn--bcher-kva.example", read.Question!.Name);
        Assert.Equal("bücher.example", DnsName.ToUnicode(read.Question.Name));
    }

    [Fact]
    public void Escaped_labels_round_trip()
    {
        var name = @"a\.b.we\\ird.\000\255x.example";
        var labels = DnsName.ToLabels(name);
        Assert.Equal(new byte[] { (byte)'a', (byte)'.', (byte)'b' }, labels[0]);
        Assert.Equal(new byte[] { 0, 255, (byte)'x' }, labels[2]);
        var message = new DnsMessage { Questions = new[] { new DnsQuestion(name, DnsRecordType.TXT) } };
        var read = DnsMessageReader.Read(DnsMessageWriter.Write(message));
        Assert.Equal(name, read.Question!.Name);
        Assert.True(DnsName.IsSubdomainOf(name, "example"));
        Assert.False(DnsName.IsSubdomainOf(@"a\.example", "example.org"));
        Assert.Equal(@"we\\ird.\000\255x.example", DnsName.Parent(@"a\.b.we\\ird.\000\255x.example"));
    }

    [Fact]
    public void Root_name_reads_and_writes_as_dot()
    {
        var message = new DnsMessage
        {
            IsResponse = true,
            Questions = new[] { new DnsQuestion("nullmx.example", DnsRecordType.MX) },
            Answers = new[] { new DnsRecord("nullmx.example", DnsRecordType.MX, DnsRecordClass.IN, 1, new DnsMxData(0, ".")) },
        };
        var read = DnsMessageReader.Read(DnsMessageWriter.Write(message));
        Assert.Equal(".", ((DnsMxData)read.Answers[0].Data).Exchange);
        Assert.True(DnsName.IsRoot("."));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a\\")]
    [InlineData("a\\300.b")]
    public void Writer_rejects_invalid_names(string name)
    {
        Assert.Throws<ArgumentException>(() => DnsName.ToLabels(name));
    }

    [Fact]
    public void Writer_rejects_labels_over_63_and_names_over_255_bytes()
    {
        Assert.Throws<ArgumentException>(() => DnsName.ToLabels(new string('a', 64) + ".example"));
        DnsName.ToLabels(new string('a', 63) + ".example");
        var longName = string.Join(".", Enumerable.Repeat(new string('b', 63), 4)); // 4*64+1 = 257 bytes
        Assert.Throws<ArgumentException>(() => DnsName.ToLabels(longName));
        var maxName = string.Join(".", Enumerable.Repeat(new string('b', 63), 3)) + "." + new string('c', 61); // 255 bytes
        Assert.Equal(255, DnsName.WireLength(maxName));
    }

    [Fact]
    public void Pointer_to_itself_is_rejected_with_its_offset()
    {
        var bytes = Header(qd: 1).Concat(new byte[] { 0xC0, 12, 0, 1, 0, 1 }).ToArray();
        var ex = Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(bytes));
        Assert.Equal(12, ex.Offset);
        Assert.Contains("pointer", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Pointer_loop_through_labels_is_rejected()
    {
        // offset 12: label "a", then a pointer back to 12: a.a.a.a... forever without the backwards rule.
        var bytes = Header(qd: 1).Concat(new byte[] { 1, (byte)'a', 0xC0, 12, 0, 1, 0, 1 }).ToArray();
        var ex = Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(bytes));
        Assert.Equal(14, ex.Offset);
    }

    [Fact]
    public void Two_pointers_pointing_at_each_other_are_rejected()
    {
        // Answer owner at 29 points to 31, which points back to 29.
        var question = new byte[] { 1, (byte)'a', 0, 0, 1, 0, 1 }; // 12..18
        var body = Header(qd: 1, an: 1).Concat(question).ToList();
        var ownerAt = body.Count;
        body.AddRange(new byte[] { 0xC0, (byte)(ownerAt + 2), 0xC0, (byte)ownerAt });
        body.AddRange(new byte[] { 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 192, 0, 2, 1 });
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(body.ToArray()));
    }

    [Fact]
    public void Names_longer_than_255_bytes_through_pointers_are_rejected()
    {
        // Five names of 63-byte labels, each pointing at the previous one: the fifth expands past 255 bytes.
        var body = Header(qd: 5).ToList();
        var previous = -1;
        for (var i = 0; i < 5; i++)
        {
            var start = body.Count;
            body.Add(63);
            body.AddRange(Enumerable.Repeat((byte)'x', 63));
            if (previous < 0)
            {
                body.Add(0);
            }
            else
            {
                body.Add((byte)(0xC0 | (previous >> 8)));
                body.Add((byte)previous);
            }

            body.AddRange(new byte[] { 0, 1, 0, 1 });
            previous = start;
        }

        var ex = Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(body.ToArray()));
        Assert.Contains("255", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x80)]
    public void Reserved_label_types_are_rejected(byte type)
    {
        var bytes = Header(qd: 1).Concat(new byte[] { type, 0, 0, 1, 0, 1 }).ToArray();
        Assert.Equal(12, Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(bytes)).Offset);
    }

    [Fact]
    public void Short_messages_and_inflated_counts_are_rejected()
    {
        Assert.Equal(0, Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(new byte[11])).Offset);
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(Header(an: 65535)));
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(Array.Empty<byte>()));
    }

    [Fact]
    public void Every_prefix_of_a_valid_message_fails_with_a_parse_exception_only()
    {
        var bytes = DnsMessageWriter.Write(FullResponse());
        for (var length = 0; length < bytes.Length; length++)
        {
            var ex = Record.Exception(() => DnsMessageReader.Read(bytes.AsSpan(0, length)));
            Assert.True(ex is DnsParseException, $"length {length}: {ex?.GetType().Name}");
        }
    }

    [Fact]
    public void Random_mutations_throw_nothing_but_parse_exceptions()
    {
        var original = DnsMessageWriter.Write(FullResponse());
        var random = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var mutated = (byte[])original.Clone();
            var flips = random.Next(1, 6);
            for (var f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            var ex = Record.Exception(() => DnsMessageReader.Read(mutated));
            Assert.True(ex is null or DnsParseException, $"iteration {i}: {ex}");
        }
    }

    [Fact]
    public void Bad_rdata_lengths_are_rejected()
    {
        var a5 = Header(an: 1).Concat(new byte[] { 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5 }).ToArray();
        Assert.Contains("instead of 4", Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(a5)).Message, StringComparison.Ordinal);

        // MX with one byte more RDATA than its content.
        var mx = Header(an: 1).Concat(new byte[] { 0, 0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 10, 0, 9 }).ToArray();
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(mx));

        // RDLENGTH past the end.
        var past = Header(an: 1).Concat(new byte[] { 0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 50, 3, (byte)'a', (byte)'b', (byte)'c' }).ToArray();
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(past));

        // A TXT string longer than its record.
        var txt = Header(an: 1).Concat(new byte[] { 0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, (byte)'a', 0, 0, 0 }).ToArray();
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(txt));
    }

    [Fact]
    public void Opt_must_be_single_in_additional_and_owned_by_the_root()
    {
        byte[] Opt(byte owner = 0) => owner == 0
            ? new byte[] { 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0 }
            : new byte[] { 1, owner, 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0 };

        Assert.NotNull(DnsMessageReader.Read(Header(ar: 1).Concat(Opt()).ToArray()).Edns);
        Assert.Contains("more than one", Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(Header(ar: 2).Concat(Opt()).Concat(Opt()).ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("answer", Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(Header(an: 1).Concat(Opt()).ToArray())).Message, StringComparison.Ordinal);
        Assert.Contains("root", Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(Header(ar: 1).Concat(Opt((byte)'x')).ToArray())).Message, StringComparison.Ordinal);

        // An option that claims more bytes than the OPT RDATA holds.
        var badOption = Header(ar: 1).Concat(new byte[] { 0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 6, 0, 3, 0, 9, 1, 2 }).ToArray();
        Assert.Throws<DnsParseException>(() => DnsMessageReader.Read(badOption));
    }

    [Fact]
    public void Header_peek_reads_id_and_qr_without_parsing_the_rest()
    {
        var bytes = new byte[] { 0x12, 0x34, 0x80, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0 };
        Assert.True(DnsMessageReader.TryReadHeader(bytes, out var id, out var qr));
        Assert.Equal((0x1234, true), (id, qr));
        Assert.False(DnsMessageReader.TryRead(bytes, out _, out var error));
        Assert.NotNull(error);
        Assert.False(DnsMessageReader.TryReadHeader(new byte[3], out _, out _));
    }

    [Fact]
    public void Writer_caps_messages_at_65535_bytes()
    {
        var records = Enumerable.Range(0, 300).Select(i => new DnsRecord("example.com", DnsRecordType.DNSKEY, DnsRecordClass.IN, 1, new DnsRawData(new byte[250]))).ToArray();
        Assert.Throws<ArgumentException>(() => DnsMessageWriter.Write(new DnsMessage { Answers = records }));
    }

    private static byte[] Header(int qd = 0, int an = 0, int ns = 0, int ar = 0) =>
        new byte[] { 0, 1, 0x80, 0, (byte)(qd >> 8), (byte)qd, (byte)(an >> 8), (byte)an, (byte)(ns >> 8), (byte)ns, (byte)(ar >> 8), (byte)ar };
}
