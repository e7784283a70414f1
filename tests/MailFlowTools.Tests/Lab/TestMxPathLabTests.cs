using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using MailFlowTools.Tests.Infrastructure;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// Test-MxPath end to end: the built mailflow CLI in the client namespace, DNS through the lab's Unbound,
/// SMTP to the lab's servers. Nothing may be delivered: Postfix's delivery count must not move.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class TestMxPathLabTests
{
    private const int BannerTimeoutSeconds = 3;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private readonly LabFixture lab;

    public TestMxPathLabTests(LabFixture lab)
    {
        this.lab = lab;
        lab.RequireUp();
    }

    /// <summary>
    /// The bulk domains whose MX is a WAN round trip away (the throughput benchmark's path) all get in, and
    /// every hop's banner time shows at least the one-way delay: the relay is really in the path.
    /// </summary>
    [LabFact]
    public void Distant_mx_domains_are_reachable_one_round_trip_per_exchange()
    {
        var names = string.Join("\n", Enumerable.Range(1, 8).Select(i => "w" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture) + ".bulk.test"));
        var delay = lab.Lab(Limit, "wan-delay");
        Assert.True(delay.ExitCode == 0, delay.StandardError);
        var oneWayMs = int.Parse(delay.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var (exit, results, output) = RunWithInput(names, "--dns-server", LabAddresses.DnsHealthyV4, "--throttle-limit", "8");

        Assert.True(exit == 0, output);
        Assert.Equal(8, results.Count);
        Assert.All(results, r =>
        {
            Assert.True(r.GetProperty("Reachable").GetBoolean(), output);
            var hop = r.GetProperty("SelectedHop");
            Assert.Equal("mx-far.lab.test", hop.GetProperty("Exchange").GetString());
            Assert.Contains(hop.GetProperty("Address").GetString(), new[] { LabAddresses.DistantV6, LabAddresses.DistantV4 });
            Assert.True(hop.GetProperty("BannerMs").GetDouble() >= oneWayMs, output);
        });
    }

    [LabFact]
    public void Incident_5_failover_goes_to_the_second_MX_within_one_banner_timeout()
    {
        var (exit, results, output) = Run("failover.lab.test", "--dns-server", LabAddresses.ResolverV4, "--banner-timeout-seconds", BannerTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connect-timeout-seconds", "3");
        var r = Assert.Single(results);

        Assert.Equal(1, exit);
        Assert.True(r.GetProperty("Reachable").GetBoolean(), output);
        Assert.Equal("Mx", r.GetProperty("MxSource").GetString());
        var selected = r.GetProperty("SelectedHop");
        Assert.Equal("mx1.lab.test", selected.GetProperty("Exchange").GetString());
        Assert.Equal(300, selected.GetProperty("Preference").GetInt32());
        Assert.Equal("Ok", selected.GetProperty("Outcome").GetString());

        var silent = Hops(r).Where(h => h.GetProperty("Exchange").GetString() == "silent.lab.test").ToList();
        Assert.Equal(2, silent.Count);
        Assert.All(silent, h =>
        {
            Assert.Equal("NoBanner", h.GetProperty("Outcome").GetString());
            Assert.Equal(JsonValueKind.Number, h.GetProperty("ConnectMs").ValueKind);
        });
        Assert.Equal(new[] { LabAddresses.SilentV6, LabAddresses.SilentV4 }, silent.Select(h => h.GetProperty("Address").GetString()));

        var noBanner = Finding(r, "NoBannerAfterConnect");
        Assert.Equal("silent.lab.test", noBanner.GetProperty("Evidence").GetProperty("Exchange").GetString());
        Finding(r, "PrimaryDownSecondaryUp");

        // The whole domain, DNS included, in at most the banner timeout plus one second.
        var elapsed = r.GetProperty("ElapsedMs").GetDouble();
        Assert.True(elapsed <= BannerTimeoutSeconds * 1000 + 1000, "took " + elapsed + " ms");
    }

    [LabFact]
    public void A_null_MX_is_not_walked()
    {
        var r = Assert.Single(Run("nullmx.lab.test").Results);
        Assert.Equal("NullMx", r.GetProperty("MxSource").GetString());
        Assert.False(r.GetProperty("Reachable").GetBoolean());
        Assert.Equal(0, r.GetProperty("Hops").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("SelectedHop").ValueKind);
        Finding(r, "NullMx");
    }

    [LabFact]
    public void An_implicit_MX_delivers_to_the_domain_itself()
    {
        var r = Assert.Single(Run("implicit.lab.test", "--dns-server", LabAddresses.ResolverV4).Results);
        Assert.Equal("ImplicitMx", r.GetProperty("MxSource").GetString());
        Assert.True(r.GetProperty("Reachable").GetBoolean());
        Assert.Equal("implicit.lab.test", r.GetProperty("SelectedHop").GetProperty("Exchange").GetString());
        Assert.Equal(LabAddresses.Mx1V6, r.GetProperty("SelectedHop").GetProperty("Address").GetString());
        Finding(r, "ImplicitMx");
    }

    [LabFact]
    public void An_MX_pointing_at_a_CNAME_is_flagged_and_still_delivers()
    {
        var r = Assert.Single(Run("cname.lab.test").Results);
        Assert.True(r.GetProperty("Reachable").GetBoolean());
        Assert.Equal("alias.lab.test", r.GetProperty("SelectedHop").GetProperty("Exchange").GetString());
        var f = Finding(r, "MxPointsToCname");
        Assert.Equal("mx1.lab.test", f.GetProperty("Evidence").GetProperty("CanonicalName").GetString());
    }

    [LabFact]
    public void An_IPv6_only_MX_works_over_IPv6_and_not_for_an_IPv4_only_sender()
    {
        var any = Assert.Single(Run("v6only.lab.test").Results);
        Assert.True(any.GetProperty("Reachable").GetBoolean());
        Assert.Equal("2001:db8:5::40", any.GetProperty("SelectedHop").GetProperty("Address").GetString());
        Assert.Equal("IPv6", any.GetProperty("SelectedHop").GetProperty("AddressFamily").GetString());
        Finding(any, "MxIpv6Only");

        var v4 = Assert.Single(Run("v6only.lab.test", "--address-family", "IPv4").Results);
        Assert.False(v4.GetProperty("Reachable").GetBoolean());
        Assert.Equal(0, v4.GetProperty("Hops").GetArrayLength());
        Finding(v4, "MxTargetHasNoAddress");
    }

    [LabFact]
    public void Equal_preferences_are_shuffled_repeatably_with_a_seed()
    {
        string Order(int seed) =>
            string.Join(",", Hops(Assert.Single(Run("equal.lab.test", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--all-hops", "--address-family", "IPv4").Results))
                .Select(h => h.GetProperty("Exchange").GetString()));

        var first = Order(7);
        Assert.Equal(first, Order(7));
        Assert.Equal(new[] { "mx-control.lab.test", "mx-stall.lab.test", "mx1.lab.test" }, first.Split(',').OrderBy(x => x, StringComparer.Ordinal));
        var orders = Enumerable.Range(1, 6).Select(Order).Distinct().Count();
        Assert.True(orders > 1, "six seeds gave one order");
    }

    [LabFact]
    public void A_masked_banner_is_BannerMasked()
    {
        var r = Assert.Single(Run("masked.lab.test").Results);
        Assert.True(r.GetProperty("Reachable").GetBoolean());
        Assert.Equal(LabAddresses.FixupV4, r.GetProperty("SelectedHop").GetProperty("Address").GetString());
        Assert.True(r.GetProperty("SelectedHop").GetProperty("BannerMasked").GetBoolean());
        var f = Finding(r, "BannerMasked");
        Assert.StartsWith("220 ***", f.GetProperty("Evidence").GetProperty("Banner").GetString(), StringComparison.Ordinal);
    }

    [LabFact]
    public void Refused_and_dead_MX_hosts_fail_the_domain_without_blaming_a_local_port_block()
    {
        var (exit, results, output) = Run("refused.lab.test", "unreachable.lab.test", "--connect-timeout-seconds", "2", "--throttle-limit", "2");
        Assert.Equal(1, exit);
        var refused = results.Single(x => x.GetProperty("DomainName").GetString() == "refused.lab.test");
        Assert.Equal("ConnectRefused", Assert.Single(Hops(refused)).GetProperty("Outcome").GetString());
        Finding(refused, "AllHopsFailed");

        var dead = results.Single(x => x.GetProperty("DomainName").GetString() == "unreachable.lab.test");
        Assert.All(Hops(dead), h => Assert.Equal("ConnectTimeout", h.GetProperty("Outcome").GetString()));
        Finding(dead, "AllHopsFailed");
        Assert.DoesNotContain(Codes(dead), c => c == "LocalPort25Blocked");
        Assert.False(dead.GetProperty("Reachable").GetBoolean(), output);
    }

    [LabFact]
    public void Recipient_probes_never_deliver()
    {
        var before = lab.Delivered();
        var (_, results, output) = Run("healthy.lab.test", "failover.lab.test", "d0001.bulk.test", "--recipient", "postmaster", "--banner-timeout-seconds", "3", "--all-hops");
        Assert.Equal(3, results.Count);
        var healthy = results.Single(x => x.GetProperty("DomainName").GetString() == "healthy.lab.test");
        Assert.Equal(250, healthy.GetProperty("SelectedHop").GetProperty("ReplyCode").GetInt32());
        Assert.All(results, x => Assert.True(x.GetProperty("Reachable").GetBoolean(), output));

        var unknown = Assert.Single(Run("healthy.lab.test", "--recipient", "unknown").Results);
        Assert.False(unknown.GetProperty("Reachable").GetBoolean());
        Assert.Equal(550, unknown.GetProperty("SelectedHop").GetProperty("ReplyCode").GetInt32());
        Finding(unknown, "RecipientRejected");

        Assert.Equal(before, lab.Delivered());
    }

    [LabFact]
    public void Domains_come_from_standard_input_too()
    {
        var r = lab.InClient([.. TestPaths.CliCommand, "Test-MxPath", "--json"], Limit, "healthy.lab.test\n# a comment\n\nnullmx.lab.test\n");
        var results = Parse(r.StandardOutput);
        Assert.Equal(new[] { "healthy.lab.test", "nullmx.lab.test" }, results.Select(x => x.GetProperty("DomainName").GetString()).OrderBy(x => x, StringComparer.Ordinal));
    }

    private (int Exit, List<JsonElement> Results, string Output) Run(params string[] args) => RunWithInput(null, args);

    private (int Exit, List<JsonElement> Results, string Output) RunWithInput(string? standardInput, params string[] args)
    {
        List<string> command = [.. TestPaths.CliCommand, "Test-MxPath"];
        command.AddRange(args);
        command.Add("--json");
        var r = lab.InClient(command, Limit, standardInput);
        var output = string.Join(" ", command) + "\nexit " + r.ExitCode + "\n" + r.StandardOutput + r.StandardError;
        Assert.True(r.ExitCode is 0 or 1, output);
        return (r.ExitCode, Parse(r.StandardOutput), output);
    }

    private static List<JsonElement> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private static IEnumerable<JsonElement> Hops(JsonElement result) => result.GetProperty("Hops").EnumerateArray();

    private static IEnumerable<string?> Codes(JsonElement result) => result.GetProperty("Findings").EnumerateArray().Select(f => f.GetProperty("Code").GetString());

    private static JsonElement Finding(JsonElement result, string code)
    {
        var found = result.GetProperty("Findings").EnumerateArray().Where(f => f.GetProperty("Code").GetString() == code).ToList();
        Assert.True(found.Count > 0, code + " missing; findings: " + string.Join(", ", Codes(result)));
        return found[0];
    }
}
