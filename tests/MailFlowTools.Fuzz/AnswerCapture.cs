using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;

namespace MailFlowTools.Fuzz;

/// <summary>Saves real answers, captured with this engine, as fuzzing seeds (one .bin per answer).</summary>
internal static class AnswerCapture
{
    private static readonly (string Name, DnsRecordType Type, int Buffer, bool Do, DnsTransport Transport, byte Version)[] Queries =
    {
        ("big.lab.test", DnsRecordType.MX, 4096, true, DnsTransport.Udp, 0),
        ("big.lab.test", DnsRecordType.MX, 4096, true, DnsTransport.Tcp, 0),
        ("big.lab.test", DnsRecordType.MX, 2500, true, DnsTransport.Udp, 0),
        ("big.lab.test", DnsRecordType.MX, 1232, true, DnsTransport.Udp, 0),
        ("big.lab.test", DnsRecordType.MX, 0, false, DnsTransport.Udp, 0),
        ("lab.test", DnsRecordType.DNSKEY, 4096, true, DnsTransport.Udp, 0),
        ("lab.test", DnsRecordType.SOA, 1232, true, DnsTransport.Udp, 0),
        ("lab.test", DnsRecordType.NS, 4096, true, DnsTransport.Udp, 0),
        ("lab.test", DnsRecordType.SOA, 1232, false, DnsTransport.Udp, 1),
        ("healthy.lab.test", DnsRecordType.MX, 1232, true, DnsTransport.Udp, 0),
        ("nullmx.lab.test", DnsRecordType.MX, 1232, true, DnsTransport.Udp, 0),
        ("cname.lab.test", DnsRecordType.MX, 1232, true, DnsTransport.Udp, 0),
        ("implicit.lab.test", DnsRecordType.MX, 1232, true, DnsTransport.Udp, 0),
        ("nonexistent.lab.test", DnsRecordType.A, 1232, true, DnsTransport.Udp, 0),
        ("mx1.lab.test", DnsRecordType.AAAA, 1232, true, DnsTransport.Udp, 0),
        ("mx1.lab.test", DnsRecordType.A, 0, false, DnsTransport.Udp, 0),
        ("equal.lab.test", DnsRecordType.MX, 4096, true, DnsTransport.Tcp, 0),
        ("d0001.bulk.test", DnsRecordType.MX, 1232, false, DnsTransport.Udp, 0),
        ("bulk.test", DnsRecordType.SOA, 1232, true, DnsTransport.Udp, 0),
    };

    public static async Task<int> RunAsync(string serverText, string outDir, TextWriter output, CancellationToken cancellationToken)
    {
        var (_, address, port) = EdnsReachabilityRunner.ParseServer(serverText);
        if (address is null)
        {
            output.WriteLine("Give the server as an address.");
            return 2;
        }

        Directory.CreateDirectory(outDir);
        var server = new IPEndPoint(address, port);
        var saved = 0;
        foreach (var (name, type, buffer, dnssecOk, transport, version) in Queries)
        {
            var query = DnsQueryFactory.Create(name, type, new DnsQueryOptions { EdnsBufferSize = buffer, DnssecOk = dnssecOk, EdnsVersion = version });
            var result = transport == DnsTransport.Udp
                ? await DnsUdpExchange.ExchangeAsync(server, query, TimeSpan.FromSeconds(3), cancellationToken)
                : await DnsTcpExchange.ExchangeAsync(server, query, TimeSpan.FromSeconds(3), cancellationToken);
            var file = Path.Combine(outDir, $"{name}-{type}-{transport}-{(buffer == 0 ? "noedns" : buffer.ToString(System.Globalization.CultureInfo.InvariantCulture))}{(dnssecOk ? "-do" : string.Empty)}{(version > 0 ? "-v" + version : string.Empty)}.bin".ToLowerInvariant());
            if (result.ResponseBytes is null)
            {
                output.WriteLine($"{Path.GetFileName(file)}: {result.Status} {result.Error}");
                continue;
            }

            await File.WriteAllBytesAsync(file, result.ResponseBytes, cancellationToken);
            saved++;
            output.WriteLine($"{Path.GetFileName(file)}: {result.ResponseSize} bytes, {result.Response}");
        }

        return saved > 0 ? 0 : 1;
    }
}
