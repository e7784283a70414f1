using System.Linq;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;

namespace MailFlowTools.Tests.Dns;

/// <summary>
/// Whether an answer depends on DNS over TCP (it decides whether blocked TCP/53 is an error or a note). Probes are
/// written "e1232:A300" (EDNS buffer 1232, answer of 300 bytes), "e512:T50" (truncated), "n:A300" (no EDNS),
/// "e4096:L" (lost).
/// </summary>
public class EdnsTcpNeedTests
{
    [Theory]
    // Lost UDP answers always need TCP.
    [InlineData("e1232:A300", true, null, true)]
    // Without any EDNS answer, only a truncated answer needs TCP.
    [InlineData("n:T30", false, null, true)]
    [InlineData("n:A300 n:T30", false, null, true)]
    [InlineData("n:A300", false, null, false)]
    [InlineData("e4096:L", false, 3000, false)]
    // A complete answer at an advertised 1232 bytes or less settles it, even beside truncated ones.
    [InlineData("e512:T50 e1232:A300", false, null, false)]
    [InlineData("e512:T50 e1233:A300", false, null, true)]
    // Above 1232: truncation, a full answer over 1232 bytes, or a UDP answer over 1232 bytes needs TCP.
    [InlineData("e4096:T50", false, null, true)]
    [InlineData("e512:T50 e1410:A1000", false, null, true)]
    [InlineData("e1410:A1000", false, 3000, true)]
    [InlineData("e1410:A1000", false, 1232, false)]
    [InlineData("e1410:A1000", false, null, false)]
    [InlineData("e4096:A2000", false, null, true)]
    [InlineData("e4096:A2000 e1410:A1000", false, null, true)]
    [InlineData("e4096:A1232", false, null, false)]
    [InlineData("e4096:A1233", false, null, true)]
    public void AnswerNeedsTcp(string probes, bool udpLost, int? fullAnswer, bool needed)
    {
        var udp = probes.Split(' ').Select(Probe).ToList();

        Assert.Equal(needed, EdnsReachabilityAnalyzer.NeedsTcp(udp, udpLost, fullAnswer));
    }

    private static EdnsProbe Probe(string spec)
    {
        var (buffer, result) = (spec.Split(':')[0], spec.Split(':')[1]);
        var edns = buffer.StartsWith('e');
        var size = result.Length > 1 ? int.Parse(result.Substring(1), System.Globalization.CultureInfo.InvariantCulture) : 0;
        return new EdnsProbe
        {
            Kind = EdnsProbeKind.Matrix,
            Transport = DnsTransport.Udp,
            Edns = edns,
            BufferSize = edns ? int.Parse(buffer.Substring(1), System.Globalization.CultureInfo.InvariantCulture) : 0,
            Outcome = result[0] switch { 'A' => EdnsProbeOutcome.Answer, 'T' => EdnsProbeOutcome.Truncated, _ => EdnsProbeOutcome.Timeout },
            ResponseSize = size,
            ResponseHasOpt = edns && size > 0,
        };
    }
}
