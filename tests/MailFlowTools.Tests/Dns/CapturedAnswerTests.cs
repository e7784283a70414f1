using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Dns;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// Real answers, not round trips: the bytes in tests/Fixtures/dns were captured from the lab's Knot (authoritative,
/// AA=1) and Unbound (recursive, RA=1, files named unbound.*). Each is read by the product's reader and compared with
/// <see cref="RawDnsWalk"/>, a separate decoder of the RFC 1035 §4.1 layout; the facts below were read off the bytes
/// by hand (offsets in comments) and written down from RFC 1035 and RFC 6891, not from our writer.
/// </summary>
public class CapturedAnswerTests
{
    public static IEnumerable<object[]> AllCaptures() =>
        Directory.GetFiles(TestPaths.InRepo("tests", "Fixtures", "dns"), "*.bin")
            .Select(Path.GetFileName)
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new object[] { f! });

    [Fact]
    public void BothServersAreRepresented()
    {
        var files = AllCaptures().Select(row => (string)row[0]).ToList();

        Assert.True(files.Count(f => !f.StartsWith("unbound.", StringComparison.Ordinal)) >= 15, "Knot captures missing");
        Assert.True(files.Count(f => f.StartsWith("unbound.", StringComparison.Ordinal)) >= 5, "Unbound captures missing");
    }

    [Theory]
    [MemberData(nameof(AllCaptures))]
    public void TheHeaderIsReadAsTheWireSaysIt(string file)
    {
        var bytes = Load(file);
        var walk = new RawDnsWalk(bytes);
        var m = DnsMessageReader.Read(bytes);

        Assert.Equal(walk.Id, m.Id);
        Assert.Equal(walk.Qr, m.IsResponse);
        Assert.Equal(walk.Opcode, m.Opcode);
        Assert.Equal(walk.Aa, m.IsAuthoritative);
        Assert.Equal(walk.Tc, m.IsTruncated);
        Assert.Equal(walk.Rd, m.RecursionDesired);
        Assert.Equal(walk.Ra, m.RecursionAvailable);
        Assert.Equal(walk.Ad, m.AuthenticData);
        Assert.Equal(walk.Cd, m.CheckingDisabled);
        Assert.Equal(bytes.Length, m.WireSize);
        Assert.Equal(bytes.Length, walk.End);
        Assert.Equal(walk.QdCount, m.Questions.Count);
        Assert.Equal(walk.Questions[0].Name, m.Questions[0].Name);
        Assert.Equal(walk.Questions[0].Type, (ushort)m.Questions[0].Type);
    }

    [Theory]
    [MemberData(nameof(AllCaptures))]
    public void TheOptRecordCarriesBufferSizeVersionExtendedRcodeAndDo(string file)
    {
        var bytes = Load(file);
        var walk = new RawDnsWalk(bytes);
        var m = DnsMessageReader.Read(bytes);
        var opt = walk.Records.SingleOrDefault(r => r.Type == 41);

        if (opt is null)
        {
            Assert.Null(m.Edns);
            Assert.Equal(walk.Rcode, (int)m.ResponseCode);
            return;
        }

        // RFC 6891 §6.1.2-6.1.3: owner is the root, CLASS is the UDP payload size, TTL is EXTENDED-RCODE | VERSION | DO | Z.
        Assert.Equal(".", opt.Owner);
        Assert.Equal("additional", opt.Section);
        Assert.NotNull(m.Edns);
        Assert.Equal(opt.Class, m.Edns!.UdpPayloadSize);
        Assert.Equal((byte)(opt.Ttl >> 24), m.Edns.ExtendedRcode);
        Assert.Equal((byte)(opt.Ttl >> 16), m.Edns.Version);
        Assert.Equal((opt.Ttl & 0x8000) != 0, m.Edns.DnssecOk);
        Assert.Equal(((int)(opt.Ttl >> 24) << 4) | walk.Rcode, (int)m.ResponseCode);
    }

    [Theory]
    [MemberData(nameof(AllCaptures))]
    public void EveryRecordHasTheOwnerTypeClassTtlAndRDataOnTheWire(string file)
    {
        var bytes = Load(file);
        var walk = new RawDnsWalk(bytes);
        var m = DnsMessageReader.Read(bytes);
        var ours = m.Answers.Select(r => ("answer", r)).Concat(m.Authorities.Select(r => ("authority", r))).Concat(m.Additionals.Select(r => ("additional", r))).ToList();
        var wire = walk.Records.Where(r => r.Type != 41).ToList();

        Assert.Equal(wire.Count, ours.Count);
        for (var i = 0; i < wire.Count; i++)
        {
            var (section, record) = ours[i];
            var raw = wire[i];
            var where = $"{file} record {i} at offset {raw.Offset}";
            Assert.True(raw.Section == section, where + ": section");
            Assert.True(raw.Owner == record.Name, where + $": owner {raw.Owner} vs {record.Name}");
            Assert.True(raw.Type == (ushort)record.Type, where + ": type");
            Assert.True(raw.Class == (ushort)record.Class, where + ": class");
            Assert.True(raw.Ttl == record.Ttl, where + ": TTL");
            Assert.True(raw.RDataLength == record.RDataLength, where + ": RDLENGTH");
            AssertRData(walk, raw, record, where);
        }
    }

    [Theory]
    [MemberData(nameof(AllCaptures))]
    public void CompressionPointersPointBackwards(string file)
    {
        var walk = new RawDnsWalk(Load(file));

        Assert.All(walk.Pointers, p => Assert.True(p.Target < p.At, $"{file}: pointer at {p.At} to {p.Target}"));
    }

    [Fact]
    public void KnotHealthyMx()
    {
        var bytes = Load("healthy.lab.test-mx-udp-1232-do.bin");
        var m = DnsMessageReader.Read(bytes);

        // Bytes 2-3 are 0x85 0x00: QR, AA, RD; opcode QUERY; RCODE NOERROR. Counts 1/2/0/5.
        Assert.Equal(new byte[] { 0x85, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05 }, bytes[2..12]);
        Assert.Equal(0x6E18, m.Id);
        Assert.True(m.IsResponse && m.IsAuthoritative && m.RecursionDesired);
        Assert.False(m.RecursionAvailable || m.IsTruncated || m.AuthenticData);
        // Offset 34: the answer's owner is the pointer 0xC00C back to the question name at offset 12.
        Assert.Equal(new byte[] { 0xC0, 0x0C }, bytes[34..36]);
        var mx = Assert.IsType<DnsMxData>(m.Answers[0].Data);
        Assert.Equal(("healthy.lab.test", DnsRecordType.MX, 300u, 8), (m.Answers[0].Name, m.Answers[0].Type, m.Answers[0].Ttl, m.Answers[0].RDataLength));
        Assert.Equal((10, "mx1.lab.test"), ((int)mx.Preference, mx.Exchange));
        var rrsig = Assert.IsType<DnsRawData>(m.Answers[1].Data);
        Assert.Equal(DnsRecordType.MX, rrsig.RrsigTypeCovered(DnsRecordType.RRSIG));
        Assert.Equal(284, rrsig.Length);
        Assert.Equal(new[] { "198.51.100.25", "2001:db8:5::25" }, m.Additionals.Where(r => r.Data is DnsAddressData).Select(r => ((DnsAddressData)r.Data).Address.ToString()));
        Assert.Equal((4096, (byte)0, (byte)0, true), ((int)m.Edns!.UdpPayloadSize, m.Edns.Version, m.Edns.ExtendedRcode, m.Edns.DnssecOk));
        Assert.Empty(m.Edns.Options);
    }

    [Fact]
    public void KnotAnswersAnUnknownEdnsVersionWithBadVers()
    {
        var bytes = Load("lab.test-soa-udp-1232-v1.bin");
        var m = DnsMessageReader.Read(bytes);

        // Header RCODE is 0 (bytes 2-3 = 0x81 0x00, no AA); the OPT TTL at offset 26+5 is 0x01000000:
        // EXTENDED-RCODE 1, VERSION 0, no DO. RFC 6891 §6.1.3: 1 << 4 | 0 = 16, BADVERS (§9).
        Assert.Equal(new byte[] { 0x81, 0x00 }, bytes[2..4]);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x29, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 }, bytes[26..37]);
        Assert.Equal(DnsResponseCode.BadVers, m.ResponseCode);
        Assert.Equal((4096, (byte)1, (byte)0, false), ((int)m.Edns!.UdpPayloadSize, m.Edns.ExtendedRcode, m.Edns.Version, m.Edns.DnssecOk));
        Assert.False(m.IsAuthoritative);
        Assert.Empty(m.Answers);
    }

    [Fact]
    public void KnotTruncatesTheBigAnswerAtEachBufferSize()
    {
        // 1232: the header and question only, TC=1 (0x87 0x00), and the OPT record.
        var small = DnsMessageReader.Read(Load("big.lab.test-mx-udp-1232-do.bin"));
        Assert.Equal((41, true, 0, 4096), (small.WireSize, small.IsTruncated, small.Answers.Count, (int)small.Edns!.UdpPayloadSize));

        // No EDNS: 30 bytes, TC=1, no OPT at all (ARCOUNT 0).
        var plain = DnsMessageReader.Read(Load("big.lab.test-mx-udp-noedns.bin"));
        Assert.Equal((30, true, 0), (plain.WireSize, plain.IsTruncated, plain.Additionals.Count));
        Assert.Null(plain.Edns);

        // 2500: TC=1, yet the 30 MX records that fit are there (ANCOUNT 30), no glue.
        var middle = DnsMessageReader.Read(Load("big.lab.test-mx-udp-2500-do.bin"));
        Assert.Equal((2321, true, 30, 0), (middle.WireSize, middle.IsTruncated, middle.Answers.Count, middle.Additionals.Count));

        // 4096: all 30 MX and their RRSIG (ANCOUNT 31), 30 glue records and OPT (ARCOUNT 31).
        var full = DnsMessageReader.Read(Load("big.lab.test-mx-udp-4096-do.bin"));
        Assert.Equal((3997, false, 31, 30), (full.WireSize, full.IsTruncated, full.Answers.Count, full.Additionals.Count));

        // TCP: the whole answer, 12877 bytes, ARCOUNT 61 (60 records and OPT).
        var tcp = DnsMessageReader.Read(Load("big.lab.test-mx-tcp-4096-do.bin"));
        Assert.Equal((12877, false, 31, 60), (tcp.WireSize, tcp.IsTruncated, tcp.Answers.Count, tcp.Additionals.Count));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i * 10), tcp.Answers.Select(r => r.Data).OfType<DnsMxData>().Select(x => (int)x.Preference).OrderBy(p => p));
        Assert.Contains(tcp.Answers.Select(r => r.Data).OfType<DnsMxData>(), x => x.Exchange == "mx07-a-deliberately-long-mail-exchanger-name-for-edns-tests.big.lab.test" && x.Preference == 70);
    }

    [Fact]
    public void KnotNullMxAndNxDomain()
    {
        // RFC 7505: preference 0 and the root name, RDLENGTH 3 (two bytes of preference, one zero byte).
        var nullMx = DnsMessageReader.Read(Load("nullmx.lab.test-mx-udp-1232-do.bin"));
        var mx = Assert.IsType<DnsMxData>(nullMx.Answers[0].Data);
        Assert.Equal((0, ".", 3), ((int)mx.Preference, mx.Exchange, nullMx.Answers[0].RDataLength));

        // RCODE 3 in the low nibble of byte 3 (0x85 0x03); the authority holds the zone's SOA and the NSEC proofs.
        var bytes = Load("nonexistent.lab.test-a-udp-1232-do.bin");
        var nx = DnsMessageReader.Read(bytes);
        Assert.Equal(0x03, bytes[3] & 0x0F);
        Assert.Equal(DnsResponseCode.NxDomain, nx.ResponseCode);
        Assert.Equal(6, nx.Authorities.Count);
        var soa = Assert.IsType<DnsSoaData>(nx.Authorities[0].Data);
        Assert.Equal(("lab.test", "ns1.lab.test", "hostmaster.lab.test", 1u, 3600u, 600u, 86400u, 300u),
            (nx.Authorities[0].Name, soa.PrimaryServer, soa.ResponsibleMailbox, soa.Serial, soa.Refresh, soa.Retry, soa.Expire, soa.Minimum));
        Assert.Equal(new[] { DnsRecordType.SOA, DnsRecordType.NSEC, DnsRecordType.NSEC, DnsRecordType.RRSIG, DnsRecordType.RRSIG, DnsRecordType.RRSIG }, nx.Authorities.Select(r => r.Type));
    }

    [Fact]
    public void KnotCompressesASuffixInsideAnotherName()
    {
        // d0001.bulk.test MX 10 mx1.lab.test, no DO: the exchange is "mx1" "lab" then pointer 0xC017 to "test" at
        // offset 23 (inside the question name d0001.bulk.test at 12), so RDLENGTH is 2 + 4 + 4 + 2 = 12.
        var bytes = Load("d0001.bulk.test-mx-udp-1232.bin");
        var m = DnsMessageReader.Read(bytes);

        Assert.Equal(new byte[] { 0xC0, 0x17 }, bytes[55..57]);
        Assert.Equal("test", System.Text.Encoding.ASCII.GetString(bytes, 24, 4));
        var mx = Assert.IsType<DnsMxData>(m.Answers[0].Data);
        Assert.Equal((10, "mx1.lab.test", 12), ((int)mx.Preference, mx.Exchange, m.Answers[0].RDataLength));
        Assert.False(m.Edns!.DnssecOk);
        Assert.Equal(0, m.Edns.Flags);
    }

    [Fact]
    public void KnotDnskeyRrsetIsKeptRawWithItsFlags()
    {
        var bytes = Load("lab.test-dnskey-udp-4096-do.bin");
        var m = DnsMessageReader.Read(bytes);

        // RFC 4034 §2.1: flags 256 (zone key) and 257 (zone key + SEP), protocol 3, algorithm 8 (RSA/SHA-256).
        var keys = m.Answers.Where(r => r.Type == DnsRecordType.DNSKEY).Select(r => ((DnsRawData)r.Data).Bytes).ToList();
        Assert.Equal(new[] { 256, 257 }, keys.Select(k => (k[0] << 8) | k[1]));
        Assert.All(keys, k => Assert.Equal((3, 8, 264), ((int)k[2], (int)k[3], k.Length)));
        Assert.Equal(DnsRecordType.DNSKEY, ((DnsRawData)m.Answers[2].Data).RrsigTypeCovered(DnsRecordType.RRSIG));
    }

    [Fact]
    public void UnboundValidatedAnswerHasRaAdAndACountedDownTtl()
    {
        var bytes = Load("unbound.healthy.lab.test-mx-udp-1232-do.bin");
        var m = DnsMessageReader.Read(bytes);

        // 0x81 0xA0: QR, RD, RA, AD; not AA (a resolver's answer). The TTL is what remained in the cache (300 at Knot).
        Assert.Equal(new byte[] { 0x81, 0xA0 }, bytes[2..4]);
        Assert.True(m.RecursionAvailable && m.AuthenticData && !m.IsAuthoritative);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0xA3 }, bytes[40..44]);
        Assert.Equal(163u, m.Answers[0].Ttl);
        Assert.Equal("mx1.lab.test", ((DnsMxData)m.Answers[0].Data).Exchange);
        Assert.Empty(m.Additionals);
    }

    [Fact]
    public void UnboundNegativeAnswersAndTruncation()
    {
        // NXDOMAIN inside the signed zone: validated (AD), SOA TTL counted down from the negative TTL.
        var nx = DnsMessageReader.Read(Load("unbound.nosuch.lab.test-mx-udp-1232-do.bin"));
        Assert.Equal((DnsResponseCode.NxDomain, true, false, 28u), (nx.ResponseCode, nx.AuthenticData, nx.IsAuthoritative, nx.Authorities[0].Ttl));

        // Outside the lab: Unbound answers NXDOMAIN itself from a local zone, so AA=1 and RA=1 (0x85 0x83).
        var bytes = Load("unbound.mail.example-mx-udp-1232-do.bin");
        var local = DnsMessageReader.Read(bytes);
        Assert.Equal(new byte[] { 0x85, 0x83 }, bytes[2..4]);
        Assert.Equal((DnsResponseCode.NxDomain, true, true), (local.ResponseCode, local.IsAuthoritative, local.RecursionAvailable));

        // The 30-MX answer does not fit 1232 bytes: TC=1 with no records; at 4096 all 30 MX and the RRSIG, no glue.
        var cut = DnsMessageReader.Read(Load("unbound.big.lab.test-mx-udp-1232-do.bin"));
        Assert.Equal((true, 0, 41), (cut.IsTruncated, cut.Answers.Count, cut.WireSize));
        var big = DnsMessageReader.Read(Load("unbound.big.lab.test-mx-udp-4096-do.bin"));
        Assert.Equal((false, 31, 0, 2617), (big.IsTruncated, big.Answers.Count, big.Additionals.Count, big.WireSize));
        Assert.All(big.Answers, r => Assert.Equal(151u, r.Ttl));
    }

    private static void AssertRData(RawDnsWalk walk, RawDnsWalk.RawRecord raw, DnsRecord record, string where)
    {
        var rdata = walk.RData(raw);
        switch (record.Data)
        {
            case DnsAddressData a:
                Assert.True(new IPAddress(rdata).Equals(a.Address), where + ": address");
                break;
            case DnsMxData mx:
                Assert.True(walk.U16(raw.RDataOffset) == mx.Preference, where + ": preference");
                Assert.True(walk.Name(raw.RDataOffset + 2).Name == mx.Exchange, where + ": exchange");
                break;
            case DnsNameData n:
                Assert.True(walk.Name(raw.RDataOffset).Name == n.Target, where + ": target");
                break;
            case DnsSoaData soa:
                var (mname, afterM) = walk.Name(raw.RDataOffset);
                var (rname, afterR) = walk.Name(afterM);
                Assert.True((mname, rname) == (soa.PrimaryServer, soa.ResponsibleMailbox), where + ": SOA names");
                Assert.True(
                    (walk.U32(afterR), walk.U32(afterR + 4), walk.U32(afterR + 8), walk.U32(afterR + 12), walk.U32(afterR + 16)) == (soa.Serial, soa.Refresh, soa.Retry, soa.Expire, soa.Minimum),
                    where + ": SOA numbers");
                break;
            case DnsRawData bytes:
                Assert.True(rdata.AsSpan().SequenceEqual(bytes.Bytes), where + ": raw RDATA");
                break;
            default:
                Assert.Fail(where + ": unexpected RDATA type " + record.Data.GetType().Name + " in a capture");
                break;
        }
    }

    private static byte[] Load(string file) => File.ReadAllBytes(TestPaths.InRepo("tests", "Fixtures", "dns", file));
}
