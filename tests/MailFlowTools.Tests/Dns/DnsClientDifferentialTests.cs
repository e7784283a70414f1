using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DnsClient;
using DnsClient.Protocol;
using MailFlowTools.Core.Dns;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// DnsClient as a test oracle, never the engine: the same bytes (the lab answers in tests/Fixtures/dns, the fuzz
/// corpus, and seeded mutations of them) go to our reader directly and to DnsClient through a loopback TCP server,
/// and wherever both accept a message they must read the same records.
/// </summary>
public sealed class DnsClientDifferentialTests
{
    private const int MutationsPerFixture = 12;

    private readonly ITestOutputHelper _output;

    public DnsClientDifferentialTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Both_parsers_read_the_same_records_from_every_captured_answer_and_its_mutations()
    {
        var fixtures = Directory.GetFiles(TestPaths.InRepo("tests", "Fixtures", "dns"), "*.bin").OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(fixtures);
        using var server = new RawTcpDnsServer();
        var random = new Random(16);
        int both = 0, oursOnly = 0, theirsOnly = 0, neither = 0;
        var disagreements = new List<string>();
        foreach (var file in fixtures)
        {
            var original = File.ReadAllBytes(file);
            var inputs = new List<(string Name, byte[] Bytes)> { (Path.GetFileName(file), original) };
            for (var i = 0; i < MutationsPerFixture; i++)
            {
                inputs.Add((Path.GetFileName(file) + "#" + i, Mutate(original, random)));
            }

            var parsed = DnsMessageReader.Read(original);
            var question = parsed.Question!;
            foreach (var (name, bytes) in inputs)
            {
                var ours = Ours(bytes);
                var theirs = await TheirsAsync(server, bytes, question);
                switch ((ours is not null, theirs is not null))
                {
                    case (true, true):
                        both++;
                        if (!ours!.SequenceEqual(theirs!))
                        {
                            disagreements.Add(name + ":\n  ours:   " + string.Join("\n          ", ours!) + "\n  theirs: " + string.Join("\n          ", theirs!));
                        }

                        break;
                    case (true, false):
                        oursOnly++;
                        break;
                    case (false, true):
                        theirsOnly++;
                        break;
                    default:
                        neither++;
                        break;
                }

                // DnsClient turns a TC=1 answer into a transient error even over TCP: it has no records to compare.
                Assert.True(name.Contains('#', StringComparison.Ordinal) || parsed.IsTruncated || (ours is not null && theirs is not null), name + ": a captured answer must parse in both (ours " + (ours is not null) + ", DnsClient " + (theirs is not null) + ", " + server.LastError + ")");
            }
        }

        _output.WriteLine($"inputs {fixtures.Count * (MutationsPerFixture + 1)}: both read {both}, only ours {oursOnly}, only DnsClient {theirsOnly}, neither {neither}");
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(both >= fixtures.Count, "too few messages both parsers read");
    }

    /// <summary>Answer and authority records, and additional records other than OPT, as "section name type ttl data".</summary>
    private static List<string>? Ours(byte[] bytes)
    {
        DnsMessage message;
        try
        {
            message = DnsMessageReader.Read(bytes);
        }
        catch (DnsParseException)
        {
            return null;
        }

        return Section("an", message.Answers).Concat(Section("ns", message.Authorities)).Concat(Section("ar", message.Additionals)).ToList();

        static IEnumerable<string> Section(string section, IEnumerable<DnsRecord> records) =>
            records.Where(r => r.Type != DnsRecordType.OPT).Select(r => Line(section, r.Name, r.Type.ToString(), r.Ttl, r.Data switch
            {
                DnsAddressData a => a.Address.ToString(),
                DnsMxData mx => mx.Preference + " " + Name(mx.Exchange),
                DnsNameData n => Name(n.Target),
                _ => string.Empty,
            }));
    }

    private static async Task<List<string>?> TheirsAsync(RawTcpDnsServer server, byte[] bytes, Core.Dns.DnsQuestion question)
    {
        server.Reply = bytes;
        var client = new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Loopback, server.Port))
        {
            UseCache = false,
            Retries = 0,
            Timeout = TimeSpan.FromSeconds(2),
            UseTcpOnly = true,
            ThrowDnsErrors = false,
        });
        IDnsQueryResponse response;
        try
        {
            response = await client.QueryAsync(question.Name, (QueryType)(int)question.Type);
        }
        catch (Exception ex) when (ex is DnsResponseException or DnsResponseParseException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or FormatException or OverflowException)
        {
            server.LastError = ex.GetType().Name + ": " + ex.Message;
            return null;
        }

        return Section("an", response.Answers).Concat(Section("ns", response.Authorities)).Concat(Section("ar", response.Additionals)).ToList();

        static IEnumerable<string> Section(string section, IEnumerable<DnsResourceRecord> records) =>
            records.Where(r => r.RecordType != ResourceRecordType.OPT).Select(r => Line(section, r.DomainName.Value, ((DnsRecordType)(int)r.RecordType).ToString(), (uint)r.InitialTimeToLive, r switch
            {
                ARecord a => a.Address.ToString(),
                AaaaRecord a => a.Address.ToString(),
                MxRecord mx => mx.Preference + " " + Name(mx.Exchange.Value),
                NsRecord ns => Name(ns.NSDName.Value),
                CNameRecord c => Name(c.CanonicalName.Value),
                PtrRecord p => Name(p.PtrDomainName.Value),
                _ => string.Empty,
            }));
    }

    private static string Line(string section, string name, string type, uint ttl, string data) => $"{section} {Name(name)} {type} {ttl} {data}".TrimEnd();

    // A label byte outside printable ASCII is "\\DDD" in our presentation (RFC 1035 §5.1) and the raw character
    // (or U+FFFD) in DnsClient's: both become "?", so only the presentation differs, never the record.
    private static string Name(string name)
    {
        var n = System.Text.RegularExpressions.Regex.Replace(name.TrimEnd('.').ToLowerInvariant(), @"\\\d{3}|[^\x21-\x7e]", "?");
        return n.Length > 0 ? n : ".";
    }

    /// <summary>One to three random bytes replaced, past the ID (the server sets that to the query's).</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var copy = (byte[])original.Clone();
        var flips = random.Next(1, 4);
        for (var i = 0; i < flips; i++)
        {
            copy[random.Next(2, copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    /// <summary>Answers every TCP query with <see cref="Reply"/>, its ID set to the query's.</summary>
    private sealed class RawTcpDnsServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public RawTcpDnsServer()
        {
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public byte[] Reply { get; set; } = Array.Empty<byte>();

        public string? LastError { get; set; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var length = new byte[2];
                    await stream.ReadExactlyAsync(length, _stop.Token);
                    var query = new byte[(length[0] << 8) | length[1]];
                    await stream.ReadExactlyAsync(query, _stop.Token);
                    var reply = (byte[])Reply.Clone();
                    reply[0] = query[0];
                    reply[1] = query[1];
                    await stream.WriteAsync(new[] { (byte)(reply.Length >> 8), (byte)reply.Length }, _stop.Token);
                    await stream.WriteAsync(reply, _stop.Token);
                    await Task.Delay(50, _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or EndOfStreamException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
