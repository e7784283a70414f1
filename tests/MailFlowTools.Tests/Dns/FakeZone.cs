using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using MailFlowTools.Core.Dns;

namespace MailFlowTools.Tests.Dns;

/// <summary>Zone data for the fake server: answers with CNAME chasing, NXDOMAIN, SERVFAIL and BADVERS like a real server.</summary>
internal sealed class FakeZone
{
    private readonly List<DnsRecord> _records = new();

    public HashSet<string> ServFailNames { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> RefusedNames { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ushort ServerBufferSize { get; set; } = 4096;

    /// <summary>Put an NSID in every EDNS answer.</summary>
    public string? Nsid { get; set; }

    public FakeZone Add(string name, DnsRecordType type, DnsRecordData data, uint ttl = 300)
    {
        _records.Add(new DnsRecord(name, type, DnsRecordClass.IN, ttl, data));
        return this;
    }

    public FakeZone Mx(string name, ushort preference, string exchange) => Add(name, DnsRecordType.MX, new DnsMxData(preference, exchange));

    public FakeZone A(string name, string address) => Add(name, DnsRecordType.A, new DnsAddressData(IPAddress.Parse(address)));

    public FakeZone Aaaa(string name, string address) => Add(name, DnsRecordType.AAAA, new DnsAddressData(IPAddress.Parse(address)));

    public FakeZone Cname(string name, string target) => Add(name, DnsRecordType.CNAME, new DnsNameData(target));

    public FakeZone Ns(string name, string target) => Add(name, DnsRecordType.NS, new DnsNameData(target));

    public FakeZone Txt(string name, params string[] strings) => Add(name, DnsRecordType.TXT, new DnsTxtData(strings));

    public FakeZone Soa(string zone) => Add(zone, DnsRecordType.SOA, new DnsSoaData("ns1." + zone, "hostmaster." + zone, 1, 3600, 600, 86400, 300));

    public DnsMessage Answer(DnsMessage query)
    {
        var question = query.Question!;
        EdnsRecord? edns = query.Edns is null ? null : new EdnsRecord
        {
            UdpPayloadSize = ServerBufferSize,
            Flags = (ushort)(query.Edns.Flags & EdnsRecord.DnssecOkFlag),
            Options = Nsid is null ? Array.Empty<EdnsOption>() : new[] { new EdnsOption(EdnsOptionCode.Nsid, System.Text.Encoding.ASCII.GetBytes(Nsid)) },
        };

        DnsMessage Reply(DnsResponseCode rcode, IReadOnlyList<DnsRecord>? answers = null, IReadOnlyList<DnsRecord>? authority = null) => new()
        {
            Id = query.Id,
            IsResponse = true,
            IsAuthoritative = true,
            RecursionDesired = query.RecursionDesired,
            ResponseCode = rcode,
            Questions = query.Questions,
            Answers = answers ?? Array.Empty<DnsRecord>(),
            Authorities = authority ?? Array.Empty<DnsRecord>(),
            Edns = edns,
        };

        if (query.Edns is { Version: > 0 })
        {
            return new DnsMessage
            {
                Id = query.Id,
                IsResponse = true,
                ResponseCode = DnsResponseCode.BadVers,
                Questions = query.Questions,
                Edns = new EdnsRecord { UdpPayloadSize = ServerBufferSize, Version = 0 },
            };
        }

        if (ServFailNames.Contains(question.Name))
        {
            return Reply(DnsResponseCode.ServFail);
        }

        if (RefusedNames.Contains(question.Name))
        {
            return Reply(DnsResponseCode.Refused);
        }

        var answers = new List<DnsRecord>();
        var current = question.Name;
        for (var hop = 0; hop < 10; hop++)
        {
            var owner = current;
            var matching = _records.Where(r => DnsName.Equal(r.Name, owner) && (r.Type == question.Type || question.Type == DnsRecordType.ANY)).ToList();
            if (matching.Count > 0)
            {
                answers.AddRange(matching);
                return Reply(DnsResponseCode.NoError, answers);
            }

            var cname = _records.FirstOrDefault(r => DnsName.Equal(r.Name, owner) && r.Type == DnsRecordType.CNAME);
            if (cname is null)
            {
                break;
            }

            answers.Add(cname);
            current = ((DnsNameData)cname.Data).Target;
        }

        var exists = _records.Any(r => DnsName.Equal(r.Name, current) || DnsName.IsSubdomainOf(r.Name, current));
        var soa = _records.Where(r => r.Type == DnsRecordType.SOA && DnsName.IsSubdomainOf(current, r.Name)).ToList();
        return Reply(exists ? DnsResponseCode.NoError : DnsResponseCode.NxDomain, answers, soa);
    }
}
