using System;
using MailFlowTools.Cli.Binding;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Tests.Cli;

public sealed class ArgumentBinderTests
{
    [Theory]
    [InlineData("DnsServer", "dns-server")]
    [InlineData("ThrottleLimit", "throttle-limit")]
    [InlineData("IPAddress", "ip-address")]
    [InlineData("NoTcp", "no-tcp")]
    [InlineData("Name", "name")]
    [InlineData("StartTls", "start-tls")]
    public void Parameter_names_become_kebab_case(string name, string kebab) => Assert.Equal(kebab, ArgumentBinder.ToKebabCase(name));

    [Fact]
    public void Binds_positional_named_switch_enum_and_arrays()
    {
        var verb = new SampleVerb();
        ArgumentBinder.Bind(verb, new[] { "a.test", "b.test", "--dns-server", "192.0.2.1,192.0.2.2", "--dns-server", "2001:db8::1", "--throttle-limit=8", "--all-hops", "--address-family", "ipv6" });
        Assert.Equal(new[] { "a.test", "b.test" }, verb.DomainName);
        Assert.Equal(new[] { "192.0.2.1", "192.0.2.2", "2001:db8::1" }, verb.DnsServer);
        Assert.Equal(8, verb.ThrottleLimit);
        Assert.True(verb.AllHops);
        Assert.Equal(SampleFamily.IPv6, verb.AddressFamily);
    }

    [Fact]
    public void Accepts_PowerShell_spelling_too()
    {
        var verb = new SampleVerb();
        ArgumentBinder.Bind(verb, new[] { "-DomainName", "a.test", "-ThrottleLimit", "3", "-AllHops:$false" });
        Assert.Equal(new[] { "a.test" }, verb.DomainName);
        Assert.Equal(3, verb.ThrottleLimit);
        Assert.False(verb.AllHops);
    }

    [Theory]
    [InlineData("--nope", "1")]
    [InlineData("--throttle-limit", "many")]
    [InlineData("--address-family", "ipx")]
    [InlineData("--throttle-limit")]
    public void Bad_usage_is_an_invalid_invocation_with_a_stable_id(params string[] args)
    {
        var ex = Assert.Throws<MailFlowException>(() => ArgumentBinder.Bind(new SampleVerb(), args));
        Assert.Equal(ErrorIds.InvalidUsage, ex.ErrorId);
        Assert.True(ex.IsInvalidInvocation);
    }

    public enum SampleFamily
    {
        Any,
        IPv4,
        IPv6,
    }

    [CliVerb("Test-Sample")]
    public sealed class SampleVerb : CliVerb
    {
        [CliParameter(Position = 0)]
        public string[] DomainName { get; set; } = Array.Empty<string>();

        [CliParameter]
        public string[] DnsServer { get; set; } = Array.Empty<string>();

        [CliParameter]
        public int ThrottleLimit { get; set; } = 1;

        [CliParameter]
        public bool AllHops { get; set; }

        [CliParameter]
        public SampleFamily AddressFamily { get; set; }

        public override System.Threading.Tasks.Task RunAsync(CliContext context, System.Threading.CancellationToken cancellationToken) => System.Threading.Tasks.Task.CompletedTask;
    }
}
