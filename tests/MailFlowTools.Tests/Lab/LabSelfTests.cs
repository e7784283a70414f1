using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Each fault in the lab is really there, shown with standard tools (dig, ping, swaks) and tests/lab/probe.py
/// run in the client namespace: the same checks as "tests/lab/lab.sh selftest".
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class LabSelfTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly Regex IcmpTooBig = new("Frag needed|[Mm]essage too long|Packet too big|mtu ?[=:] ?1400", RegexOptions.CultureInvariant);
    private static readonly Regex MsgSize = new(@";; MSG SIZE\s+rcvd: (\d+)", RegexOptions.CultureInvariant);

    private readonly LabFixture lab;

    public LabSelfTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    [LabFact]
    public void Status_reports_a_complete_lab()
    {
        var r = lab.Lab(Limit, "status");
        Assert.True(r.ExitCode == 0, Show(r));
        Assert.Contains("lab is up", r.StandardOutput);
    }

    [LabFact]
    public void Client_reaches_the_servers_over_ipv4_and_ipv6()
    {
        foreach (var host in new[] { LabAddresses.Mx1V4, LabAddresses.Mx1V6, LabAddresses.BlackHoleV4, LabAddresses.BlackHoleV6 })
        {
            var r = lab.InClient(Limit, "ping", "-c", "1", "-W", "2", host);
            Assert.True(r.ExitCode == 0, host + ": " + Show(r));
        }
    }

    // Incident 1: large DNS answers lost to dropped UDP fragments.

    [LabTheory]
    [InlineData(LabAddresses.DnsHealthyV4)]
    [InlineData(LabAddresses.DnsHealthyV6)]
    public void Healthy_dns_path_returns_the_large_signed_answer_over_udp(string server)
    {
        var r = Dig("@" + server, "big.lab.test", "MX", "+dnssec", "+bufsize=4096", "+norec");
        Assert.True(r.ExitCode == 0, Show(r));
        Assert.Contains("status: NOERROR", r.StandardOutput);
        Assert.Contains("(UDP)", r.StandardOutput);
        Assert.DoesNotMatch(@"flags:[^;]* tc", r.StandardOutput);
        Assert.True(Size(r) > 2000, "answer not > 2000 bytes: " + Show(r));
    }

    [LabTheory]
    [InlineData(LabAddresses.DnsFragmentDropV4)]
    [InlineData(LabAddresses.DnsFragmentDropV6)]
    public void Fragment_dropping_path_loses_the_large_udp_answer(string server)
    {
        var r = Dig("@" + server, "big.lab.test", "MX", "+dnssec", "+bufsize=4096", "+norec");
        Assert.True(r.ExitCode != 0, "expected no answer: " + Show(r));
        Assert.DoesNotContain("status:", r.StandardOutput);
    }

    [LabFact]
    public void Fragment_dropping_path_answers_small_queries_tcp_and_small_buffers()
    {
        var small = Dig("@" + LabAddresses.DnsFragmentDropV4, "healthy.lab.test", "MX", "+dnssec", "+bufsize=4096", "+norec");
        Assert.True(small.ExitCode == 0 && small.StandardOutput.Contains("status: NOERROR"), Show(small));

        var tcp = Dig("@" + LabAddresses.DnsFragmentDropV4, "big.lab.test", "MX", "+dnssec", "+tcp", "+norec");
        Assert.True(tcp.ExitCode == 0 && tcp.StandardOutput.Contains("status: NOERROR"), Show(tcp));
        Assert.Contains("(TCP)", tcp.StandardOutput);

        var truncated = Dig("@" + LabAddresses.DnsFragmentDropV4, "big.lab.test", "MX", "+dnssec", "+bufsize=1232", "+norec");
        Assert.True(truncated.ExitCode == 0, Show(truncated));
        Assert.Contains("Truncated, retrying in TCP mode", truncated.StandardOutput);
        Assert.Contains("status: NOERROR", truncated.StandardOutput);
    }

    [LabTheory]
    [InlineData(LabAddresses.DnsTcpBlockedV4)]
    [InlineData(LabAddresses.DnsTcpBlockedV6)]
    public void Tcp53_is_blocked_on_one_server_while_udp_answers(string server)
    {
        var tcp = Dig("@" + server, "healthy.lab.test", "MX", "+tcp", "+norec");
        Assert.True(tcp.ExitCode != 0, "expected TCP/53 to be blocked: " + Show(tcp));
        Assert.DoesNotContain("status:", tcp.StandardOutput);

        var udp = Dig("@" + server, "healthy.lab.test", "MX", "+norec");
        Assert.True(udp.ExitCode == 0 && udp.StandardOutput.Contains("status: NOERROR"), Show(udp));
    }

    [LabFact]
    public void System_resolver_is_unbound_and_validates_the_signed_zone()
    {
        var r = Dig("big.lab.test", "MX", "+dnssec", "+bufsize=4096");
        Assert.True(r.ExitCode == 0, Show(r));
        Assert.Contains("SERVER: " + LabAddresses.ResolverV4 + "#53", r.StandardOutput);
        Assert.Matches(@"flags:[^;]* ad", r.StandardOutput);
        Assert.True(Size(r) > 2000, Show(r));
    }

    [LabTheory]
    [InlineData("healthy.lab.test", "MX", "10 mx1.lab.test.")]
    [InlineData("failover.lab.test", "MX", "100 silent.lab.test. 300 mx1.lab.test.")]
    [InlineData("masked.lab.test", "MX", "10 fixup.lab.test.")]
    [InlineData("sizeloss.lab.test", "MX", "10 mx-sizeloss.lab.test.")]
    [InlineData("blackhole.lab.test", "MX", "10 mx-blackhole.lab.test.")]
    [InlineData("control.lab.test", "MX", "10 mx-control.lab.test.")]
    [InlineData("stall.lab.test", "MX", "10 mx-stall.lab.test.")]
    [InlineData("refused.lab.test", "MX", "10 mx-refused.lab.test.")]
    [InlineData("unreachable.lab.test", "MX", "10 mx-dead.lab.test.")]
    [InlineData("nullmx.lab.test", "MX", "0 .")]
    [InlineData("implicit.lab.test", "MX", "")]
    [InlineData("implicit.lab.test", "A", "198.51.100.25")]
    [InlineData("implicit.lab.test", "AAAA", "2001:db8:5::25")]
    [InlineData("cname.lab.test", "MX", "10 alias.lab.test.")]
    [InlineData("alias.lab.test", "A", "198.51.100.25 mx1.lab.test.")]
    [InlineData("v6only.lab.test", "MX", "10 v6host.lab.test.")]
    [InlineData("v6host.lab.test", "A", "")]
    [InlineData("v6host.lab.test", "AAAA", "2001:db8:5::40")]
    [InlineData("equal.lab.test", "MX", "10 mx-control.lab.test. 10 mx-stall.lab.test. 10 mx1.lab.test.")]
    [InlineData("fixup.lab.test", "A", "198.51.100.31")]
    [InlineData("d0001.bulk.test", "MX", "10 mx1.lab.test.")]
    [InlineData("d5000.bulk.test", "MX", "10 mx1.lab.test.")]
    public void Each_case_has_its_dns_name(string name, string type, string expected)
    {
        var r = Dig("+short", name, type);
        Assert.True(r.ExitCode == 0, Show(r));
        var got = string.Join(" ", r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .OrderBy(l => l, StringComparer.Ordinal));
        Assert.Equal(expected, got);
    }

    [LabFact]
    public void Unknown_name_is_nxdomain()
    {
        var r = Dig("nosuch.lab.test", "MX");
        Assert.Contains("status: NXDOMAIN", r.StandardOutput);
    }

    // Incident 3: PMTU black hole next to a control path.

    [LabTheory]
    [InlineData(LabAddresses.BlackHoleV4)]
    [InlineData(LabAddresses.BlackHoleV6)]
    public void Pmtu_black_hole_silently_loses_full_size_packets(string host)
    {
        var r = lab.InClient(PingDf(host), Limit);
        Assert.True(r.ExitCode != 0, Show(r));
        Assert.Contains("100% packet loss", r.StandardOutput);
        Assert.DoesNotMatch(IcmpTooBig, r.StandardOutput + r.StandardError);
    }

    [LabTheory]
    [InlineData(LabAddresses.PmtuControlV4)]
    [InlineData(LabAddresses.PmtuControlV6)]
    public void Pmtu_control_path_reports_the_smaller_mtu(string host)
    {
        var r = lab.InClient(PingDf(host), Limit);
        Assert.Matches(IcmpTooBig, r.StandardOutput + r.StandardError);
    }

    [LabFact]
    public void Pmtu_black_hole_passes_a_one_line_mail_and_loses_a_large_one()
    {
        var before = lab.Delivered();
        var small = Swaks("--server", LabAddresses.BlackHoleV4, "--to", "user@lab.test");
        Assert.True(small.ExitCode == 0, Show(small));

        var body = "Subject: large\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('a', 76) + "\r\n", 400));
        var control = lab.InClient(SwaksArgs("--server", LabAddresses.PmtuControlV4, "--to", "user@lab.test", "--data", "-"), Limit, body);
        Assert.True(control.ExitCode == 0, Show(control));

        var large = lab.InClient(SwaksArgs("--server", LabAddresses.BlackHoleV4, "--to", "user@lab.test", "--data", "-"), Limit, body);
        Assert.True(large.ExitCode != 0, Show(large));
        Assert.Contains("354 ", large.StandardOutput);
        Assert.Contains("Timeout", large.StandardOutput);

        // The one-line mail and the control mail were delivered on purpose; the large one never arrived.
        lab.ConfirmDelivered(nameof(Pmtu_black_hole_passes_a_one_line_mail_and_loses_a_large_one) + " small", small.StandardOutput, "user@lab.test");
        lab.ConfirmDelivered(nameof(Pmtu_black_hole_passes_a_one_line_mail_and_loses_a_large_one) + " control", control.StandardOutput, "user@lab.test");
        Assert.Equal(before + 2, lab.Delivered());
    }

    // Postfix: delivery, extensions, no relaying.

    [LabTheory]
    [InlineData(LabAddresses.Mx1V4)]
    [InlineData(LabAddresses.Mx1V6)]
    [InlineData(LabAddresses.V6OnlyHost)]
    public void Healthy_mx_accepts_and_delivers_mail(string host)
    {
        var before = lab.Delivered();
        var r = Swaks("--server", host, "--to", "user@lab.test");
        Assert.True(r.ExitCode == 0, Show(r));
        Assert.Contains("250 2.0.0 Ok: queued", r.StandardOutput);
        lab.ConfirmDelivered(nameof(Healthy_mx_accepts_and_delivers_mail) + " " + host, r.StandardOutput, "user@lab.test");
        Assert.Equal(before + 1, lab.Delivered());
    }

    [LabFact]
    public void Postfix_offers_the_extensions_and_starttls()
    {
        var before = lab.Delivered();
        var r = Swaks("--server", LabAddresses.Mx1V4, "--to", "postmaster@lab.test", "-tls");
        Assert.True(r.ExitCode == 0, Show(r));
        lab.ConfirmDelivered(nameof(Postfix_offers_the_extensions_and_starttls), r.StandardOutput, "postmaster@lab.test");
        Assert.Equal(before + 1, lab.Delivered());
        foreach (var ext in new[] { "PIPELINING", "SIZE", "8BITMIME", "ENHANCEDSTATUSCODES", "STARTTLS" })
        {
            Assert.Contains(ext, r.StandardOutput);
        }

        Assert.Contains("TLS started", r.StandardOutput);
    }

    [LabFact]
    public void Postfix_never_relays_and_rejects_unknown_users()
    {
        var relay = Swaks("--server", LabAddresses.Mx1V4, "--to", "someone@example.com");
        Assert.True(relay.ExitCode != 0, Show(relay));
        Assert.Contains("554 5.7.1", relay.StandardOutput);
        Assert.Contains("Relay access denied", relay.StandardOutput);

        var unknown = Swaks("--server", LabAddresses.Mx1V4, "--to", "unknown@lab.test");
        Assert.Contains("550 5.1.1", unknown.StandardOutput);
    }

    // Incident 3: SMTP fixup box.

    [LabFact]
    public void Fixup_box_masks_the_banner()
    {
        var r = Swaks("--server", LabAddresses.FixupV4, "--quit-after", "banner");
        Assert.True(r.ExitCode == 0, Show(r));
        var banner = r.StandardOutput.Split('\n').First(l => l.StartsWith("<-  220", StringComparison.Ordinal));
        Assert.Matches(@"^<-  220 [20 *]*\*[20 *]*$", banner);
    }

    [LabFact]
    public void Fixup_box_loses_end_of_data_when_dot_and_crlf_are_split()
    {
        var viaFixup = lab.Probe(Limit, "splitdot", LabAddresses.FixupV4, "--timeout", "4");
        Assert.True(viaFixup.ExitCode == 1, Show(viaFixup));
        Assert.Contains("reply=none", viaFixup.StandardOutput);

        var direct = lab.Probe(Limit, "splitdot", LabAddresses.Mx1V4, "--timeout", "4");
        if (direct.StandardOutput.Contains("queued as", StringComparison.Ordinal))
        {
            // Accepted: the direct one-line mail is delivered on purpose.
            lab.ConfirmDelivered(nameof(Fixup_box_loses_end_of_data_when_dot_and_crlf_are_split), direct.StandardOutput, "postmaster@lab.test");
        }

        Assert.True(direct.ExitCode == 0, Show(direct));
        Assert.Contains("reply=250", direct.StandardOutput);
    }

    // Incident 5: MX that completes the handshake and never greets.

    [LabTheory]
    [InlineData(LabAddresses.SilentV4)]
    [InlineData(LabAddresses.SilentV6)]
    public void Silent_host_completes_the_handshake_and_never_greets(string host)
    {
        var r = Swaks("--server", host, "--quit-after", "banner");
        Assert.True(r.ExitCode != 0, Show(r));
        Assert.Contains("=== Connected to", r.StandardOutput);
        Assert.Contains("Timeout", r.StandardOutput);
        Assert.DoesNotContain("<-  220", r.StandardOutput);
    }

    [LabTheory]
    [InlineData(LabAddresses.RefusedV4, "refused")]
    [InlineData(LabAddresses.DeadV4, "timeout")]
    [InlineData(LabAddresses.DeadV6, "timeout")]
    [InlineData(LabAddresses.Mx1V4, "banner 220 mx.lab.test ESMTP MailFlowTools lab 1.0")]
    public void Connecting_to_port_25_gives_the_planned_outcome(string host, string expected)
    {
        var r = lab.Probe(Limit, "connect", host, "--timeout", "3");
        Assert.Equal(expected, r.StandardOutput.Trim());
    }

    // Incident 2: one segment size lost.

    [LabTheory]
    [InlineData(LabAddresses.SizeLossV4, 512, false)]
    [InlineData(LabAddresses.SizeLossV4, 513, true)]
    [InlineData(LabAddresses.SizeLossV4, 514, false)]
    [InlineData(LabAddresses.SizeLossV4, 1024, false)]
    [InlineData(LabAddresses.SizeLossV4, 1025, true)]
    [InlineData(LabAddresses.SizeLossV4, 1026, false)]
    [InlineData(LabAddresses.SizeLossV6, 512, false)]
    [InlineData(LabAddresses.SizeLossV6, 513, true)]
    [InlineData(LabAddresses.SizeLossV6, 1025, true)]
    [InlineData(LabAddresses.Mx1V4, 513, false)]
    [InlineData(LabAddresses.Mx1V6, 1025, false)]
    public void Pipelined_envelope_of_one_size_is_never_answered(string host, int size, bool lost)
    {
        var r = lab.Probe(Limit, "envelope", host, size.ToString(CultureInfo.InvariantCulture), "--timeout", "3");
        if (lost)
        {
            Assert.True(r.ExitCode == 1, Show(r));
            Assert.Contains("replies=0 result=lost", r.StandardOutput);
        }
        else
        {
            Assert.True(r.ExitCode == 0, Show(r));
            Assert.Contains("result=ok", r.StandardOutput);
        }
    }

    // Incident 4: the flow stops being forwarded mid-DATA.

    [LabTheory]
    [InlineData(LabAddresses.StallV4)]
    [InlineData(LabAddresses.StallV6)]
    public void Flow_stalls_after_64_kB(string host)
    {
        var r = lab.Probe(Limit, "stall", host);
        Assert.True(r.ExitCode == 1, Show(r));
        Assert.Contains("result=stalled", r.StandardOutput);
        var acked = int.Parse(Regex.Match(r.StandardOutput, @"acked=(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(acked, 50000, LabAddresses.StallBytes);
    }

    [LabFact]
    public void Same_message_to_the_healthy_mx_is_accepted()
    {
        var r = lab.Probe(Limit, "stall", LabAddresses.Mx1V4);
        if (r.StandardOutput.Contains("queued as", StringComparison.Ordinal))
        {
            // Accepted: the 256 kB control message is delivered on purpose.
            lab.ConfirmDelivered(nameof(Same_message_to_the_healthy_mx_is_accepted), r.StandardOutput, "postmaster@lab.test");
        }

        Assert.True(r.ExitCode == 0, Show(r));
        Assert.Contains("result=accepted", r.StandardOutput);
    }

    private ProcessResult Dig(params string[] args) =>
        lab.InClient(new[] { "dig", "+time=2", "+tries=1" }.Concat(args), Limit);

    private ProcessResult Swaks(params string[] args) => lab.InClient(SwaksArgs(args), Limit);

    private static string[] SwaksArgs(params string[] args) =>
        new[] { "swaks", "--timeout", "5", "--from", "probe@lab.test", "--helo", "client.lab.test" }.Concat(args).ToArray();

    private static string[] PingDf(string host) =>
        host.Contains(':', StringComparison.Ordinal)
            ? new[] { "ping", "-6", "-M", "do", "-s", "1452", "-c", "2", "-W", "1", host }
            : new[] { "ping", "-M", "do", "-s", "1472", "-c", "2", "-W", "1", host };

    private static int Size(ProcessResult r)
    {
        var m = MsgSize.Match(r.StandardOutput);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static string Show(ProcessResult r) =>
        "exit " + r.ExitCode + (r.TimedOut ? " (timed out)" : string.Empty) + "\n" + r.StandardOutput + r.StandardError;
}
