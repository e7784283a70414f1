using System;
using System.Linq;
using System.Text;
using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

public sealed class EnvelopeAndSweepTests
{
    [Fact]
    public void Every_payload_size_is_built_to_the_byte_with_envelope_commands_only()
    {
        for (var size = EnvelopePayload.MinPayloadSize; size <= EnvelopePayload.MaxPayloadSize; size++)
        {
            var (bytes, commands) = EnvelopePayload.Build(size);
            Assert.Equal(size, bytes.Length);
            var lines = Encoding.ASCII.GetString(bytes).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(commands, lines.Length);
            if (size % 97 != 0 && size > 100)
            {
                continue;
            }

            Assert.StartsWith("MAIL FROM:<", lines[0]);
            Assert.Equal("RCPT TO:<postmaster>", lines[1]);
            Assert.Equal("RSET", lines[^1]);
            Assert.All(lines, l => Assert.True(l.StartsWith("MAIL FROM:<", StringComparison.Ordinal) || l == "RSET" || l == "RCPT TO:<postmaster>", l));
            Assert.DoesNotContain(lines, l => l.StartsWith("DATA", StringComparison.Ordinal));
            foreach (var mail in lines.Where(l => l.StartsWith("MAIL", StringComparison.Ordinal)))
            {
                var local = mail.Substring(11, mail.IndexOf('@') - 11);
                Assert.InRange(local.Length, 1, EnvelopePayload.MaxLocalPart);
            }

            Assert.True(lines.Count(l => l == "RSET") < 100, "stays under Postfix's junk command limit");
        }
    }

    [Theory]
    [InlineData(64)]
    [InlineData(8193)]
    public void Sizes_outside_the_envelope_range_are_refused(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopePayload.Build(size));

    [Fact]
    public void Sweep_reports_exactly_the_sizes_that_always_fail_and_sees_they_are_not_monotonic()
    {
        var attempts = MtuProbeOptions.DefaultSweepSizes.SelectMany(s => s is 513 or 1025
                ? Enumerable.Range(1, 3).Select(a => Attempt(s, a, completed: false))
                : new[] { Attempt(s, 1, completed: true) })
            .ToList();
        var analysis = SweepAnalysis.From(attempts);
        Assert.Equal(new[] { 513, 1025 }, analysis.Failing);
        Assert.True(analysis.NonMonotonic);
        Assert.Empty(analysis.Intermittent);
        Assert.Contains(512, analysis.Passing);
        Assert.Contains(514, analysis.Passing);
        var entry = analysis.Entries.Single(e => e.PayloadSize == 513);
        Assert.Equal(3, entry.Attempts);
        Assert.Equal(3, entry.Failures);
        Assert.True(entry.Failed);
    }

    [Fact]
    public void A_size_that_fails_once_and_then_passes_is_intermittent_not_failing()
    {
        var analysis = SweepAnalysis.From(new[]
        {
            Attempt(512, 1, true), Attempt(513, 1, false), Attempt(513, 2, true), Attempt(513, 3, true), Attempt(514, 1, true),
        });
        Assert.Empty(analysis.Failing);
        Assert.Equal(new[] { 513 }, analysis.Intermittent);
    }

    [Fact]
    public void Failures_from_a_size_up_are_monotonic_and_attempts_that_never_ran_do_not_count()
    {
        var analysis = SweepAnalysis.From(new[]
        {
            Attempt(512, 1, true), Attempt(1460, 1, false), Attempt(2048, 1, false),
            new SweepAttemptResult { PayloadSize = 1024, Attempt = 1, CouldNotRun = true, Commands = 21 },
        });
        Assert.Equal(new[] { 1460, 2048 }, analysis.Failing);
        Assert.False(analysis.NonMonotonic);
        Assert.Equal(1460, analysis.FailingFrom);
        Assert.Equal(new[] { 1024 }, analysis.NotRun);
    }

    [Fact]
    public void The_default_sweep_covers_each_power_of_two_window_completely()
    {
        var sizes = MtuProbeOptions.DefaultSweepSizes;
        foreach (var n in new[] { 8, 9, 10, 11 })
        {
            for (var d = -2; d <= 2; d++)
            {
                Assert.Contains((1 << n) + d, sizes);
            }
        }

        Assert.True(sizes.Length > 20);
        Assert.All(sizes, s => Assert.InRange(s, EnvelopePayload.MinPayloadSize, EnvelopePayload.MaxPayloadSize));
        Assert.Equal(sizes.OrderBy(s => s), sizes);
    }

    private static SweepAttemptResult Attempt(int size, int attempt, bool completed) =>
        new() { PayloadSize = size, Attempt = attempt, Completed = completed, Commands = 11, RepliesReceived = completed ? 11 : 0 };
}
