using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.Reporting;
using static MailFlowTools.Tests.MxPath.FakeMxResolver;

namespace MailFlowTools.Tests.MxPath;

public sealed class MxPathBatchTests
{
    private static FakeMxResolver Bulk(int count, out List<string> names)
    {
        var dns = new FakeMxResolver();
        names = new List<string>();
        for (var i = 1; i <= count; i++)
        {
            var name = "d" + i.ToString("0000", System.Globalization.CultureInfo.InvariantCulture) + ".bulk.test";
            names.Add(name);
            dns.AddMx(name, Target(10, "mx1.lab.test", "198.51.100.25"));
        }

        return dns;
    }

    [Fact]
    public async Task Domains_run_up_to_the_throttle_limit_at_once_and_every_result_is_emitted()
    {
        var dns = Bulk(24, out var names);
        var smtp = new FakeHopProber().On("198.51.100.25", MxHopOutcome.Ok, delayMs: 60);
        var reporter = new RecordingReporter();
        var results = new ConcurrentBag<MxPathResult>();
        var errors = new ConcurrentBag<MailFlowException>();

        var engine = new MxPathEngine(dns, smtp, reporter);
        await engine.RunAsync(names, new MxPathOptions { ThrottleLimit = 8 }, results.Add, errors.Add, CancellationToken.None);

        Assert.Empty(errors);
        Assert.Equal(names.OrderBy(n => n), results.Select(r => r.DomainName).OrderBy(n => n));
        Assert.Equal(8, smtp.MaxConcurrent);
        var progress = reporter.Progresses.ToList();
        Assert.All(progress, p => Assert.Equal(MxPathEngine.ProgressActivityId, p.ActivityId));
        Assert.True(progress.Last().Completed);
        Assert.Contains(progress, p => p.Status.StartsWith("24 of 24 domains", StringComparison.Ordinal));
        Assert.Equal(names.Count + 2, progress.Count);
    }

    [Fact]
    public async Task A_busy_batch_does_not_add_speculative_connections_beyond_the_throttle_limit()
    {
        // Every domain's first MX is slow to fail: alone, a domain would start its second MX beside it.
        var dns = new FakeMxResolver();
        var smtp = new FakeHopProber();
        var names = new List<string>();
        for (var i = 1; i <= 8; i++)
        {
            var name = "slow" + i + ".test";
            names.Add(name);
            dns.AddMx(name, Target(10, "silent." + name, "198.51.100." + i), Target(20, "mx1." + name, "198.51.100." + (100 + i)));
            smtp.On("198.51.100." + i, MxHopOutcome.NoBanner, delayMs: 300);
        }

        var results = new ConcurrentBag<MxPathResult>();
        await Task.Run(() => new MxPathEngine(dns, smtp).RunAsync(names, new MxPathOptions { ThrottleLimit = 8, StaggerDelay = TimeSpan.FromMilliseconds(20) }, results.Add, _ => { }, CancellationToken.None));

        Assert.Equal(8, results.Count);
        Assert.All(results, r => Assert.True(r.Reachable));
        Assert.True(smtp.MaxConcurrent <= 8, "max concurrent " + smtp.MaxConcurrent);
    }

    [Fact]
    public async Task Throttle_1_runs_one_domain_at_a_time()
    {
        var dns = Bulk(5, out var names);
        var smtp = new FakeHopProber().On("198.51.100.25", MxHopOutcome.Ok, delayMs: 10);
        var results = new List<MxPathResult>();

        await new MxPathEngine(dns, smtp).RunAsync(names, new MxPathOptions { ThrottleLimit = 1 }, results.Add, _ => { }, CancellationToken.None);

        Assert.Equal(1, smtp.MaxConcurrent);
        Assert.Equal(names, results.Select(r => r.DomainName));
    }

    [Fact]
    public async Task Bad_names_are_errors_duplicates_run_once_and_the_batch_goes_on()
    {
        var dns = new FakeMxResolver().AddMx("contoso.test", Target(10, "mx.contoso.test", "198.51.100.25"));
        var results = new List<MxPathResult>();
        var errors = new List<MailFlowException>();

        await new MxPathEngine(dns, new FakeHopProber()).RunAsync(
            new[] { "Contoso.TEST.", "*.contoso.test", "bad name!", "Submission", "postmaster@contoso.test" },
            new MxPathOptions(),
            results.Add,
            errors.Add,
            CancellationToken.None);

        Assert.Equal("contoso.test", Assert.Single(results).DomainName);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.Equal(ErrorIds.InvalidDomainName, e.ErrorId);
            Assert.False(e.IsInvalidInvocation);
        });
        Assert.Contains("DeliveryType", errors[1].Message);
    }

    [Fact]
    public async Task Every_domain_timing_out_everywhere_warns_about_a_port_block()
    {
        var dns = new FakeMxResolver()
            .AddMx("a.test", Target(10, "mx.a.test", "198.51.100.33"))
            .AddMx("b.test", Target(10, "mx.b.test", "198.51.100.34"));
        var smtp = new FakeHopProber().On("198.51.100.33", MxHopOutcome.ConnectTimeout).On("198.51.100.34", MxHopOutcome.ConnectTimeout);
        var reporter = new RecordingReporter();

        await new MxPathEngine(dns, smtp, reporter).RunAsync(new[] { "a.test", "b.test" }, new MxPathOptions { ThrottleLimit = 2 }, _ => { }, _ => { }, CancellationToken.None);

        Assert.Contains(reporter.Warnings, w => w.Contains("port 25 is probably blocked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_domain_that_cannot_be_tested_is_reported_and_the_rest_go_on()
    {
        var results = new List<MxPathResult>();
        var errors = new List<MailFlowException>();
        var resolver = new ThrowingResolver("broken.test", new FakeMxResolver().AddMx("fine.test", Target(10, "mx.fine.test", "198.51.100.25")));

        await new MxPathEngine(resolver, new FakeHopProber()).RunAsync(new[] { "broken.test", "fine.test" }, new MxPathOptions(), results.Add, errors.Add, CancellationToken.None);

        Assert.Equal("fine.test", Assert.Single(results).DomainName);
        Assert.Equal(ErrorIds.NoDnsServer, Assert.Single(errors).ErrorId);
    }

    [Fact]
    public async Task An_invalid_recipient_stops_the_batch_before_any_probe()
    {
        var smtp = new FakeHopProber();
        var engine = new MxPathEngine(new FakeMxResolver(), smtp);

        var ex = await Assert.ThrowsAsync<MailFlowException>(() => engine.RunAsync(new[] { "a.test" }, new MxPathOptions { Recipient = "x@a.test\r\nDATA" }, _ => { }, _ => { }, CancellationToken.None));

        Assert.True(ex.IsInvalidInvocation);
        Assert.Empty(smtp.Probes);
    }

    [Theory]
    [InlineData("contoso.com", "contoso.com")]
    [InlineData(" Contoso.COM. ", "contoso.com")]
    [InlineData("*.contoso.com", "contoso.com")]
    [InlineData("user@contoso.com", "contoso.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void Domain_inputs_are_normalised(string input, string expected)
    {
        Assert.True(MxPathInput.TryNormalize(input, out var domain, out var error));
        Assert.Null(error);
        Assert.Equal(expected, domain);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Submission")]
    [InlineData("mailbox database 0123456789")]
    [InlineData("a..b")]
    public void Non_domains_are_rejected_without_stopping_the_pipeline(string input)
    {
        Assert.False(MxPathInput.TryNormalize(input, out _, out var error));
        Assert.NotNull(error);
        Assert.False(error!.IsInvalidInvocation);
        Assert.Equal(ErrorIds.InvalidDomainName, error.ErrorId);
    }

    [Theory]
    [InlineData("postmaster", "contoso.com", "postmaster@contoso.com")]
    [InlineData("<user@other.example>", "contoso.com", "user@other.example")]
    [InlineData(null, "contoso.com", null)]
    public void Recipients_are_checked_and_completed_per_domain(string? recipient, string domain, string? expected) =>
        Assert.Equal(expected, MxPathInput.RecipientFor(MxPathInput.NormalizeRecipient(recipient), domain));

    [Theory]
    [InlineData("a b@c.example")]
    [InlineData("a@c.example\r\nRCPT TO:<x@y>")]
    [InlineData("@c.example")]
    [InlineData("user@")]
    public void Recipients_that_could_inject_commands_are_refused(string recipient)
    {
        var ex = Assert.Throws<MailFlowException>(() => MxPathInput.NormalizeRecipient(recipient));
        Assert.True(ex.IsInvalidInvocation);
        Assert.Equal(ErrorIds.InvalidAddress, ex.ErrorId);
    }
}
